namespace FilmTrip.Hook.Cli;

/// <summary>The help texts. README's "Operator CLI" section is a copy of <see cref="Overview"/>: change both together.</summary>
internal static class Usage
{
    public const string Overview = """
        filmtrip-hook: signed GitHub push webhooks -> zero-downtime deploys (pm2 + nginx)

        Usage:
          filmtrip-hook [--config FILE] [--urls URL]   run the daemon (what the systemd unit runs)
          filmtrip-hook <command> [options]            operate the running daemon over its HTTP API

        Commands:
          status [SERVICE] [--json]
              Live commit and release, last deploy (id, trigger, state, finished, duration),
              running deploy and its step, queue length, kept releases.
          deploys [SERVICE] [--limit N] [--state STATE] [--json]
              Recent deploys, newest first (default 20, at most 200).
          log DEPLOY_ID [--follow] [--json]
              A deploy's full log; --follow prints new lines until the deploy ends.
          rollback COMMIT [--service NAME] [--wait]
              Put a commit back live (instant when a kept release was built from it).
          deploy SERVICE [--commit SHA] [--wait]
              Deploy the branch head (or a commit of the branch) now, e.g. after a missed webhook.
          check-config [--config FILE]
              Every start-up check, plus: Roots and DataDirectory writable, pm2 reachable.
          help [COMMAND]
              This text, or one command's.

        Options for every command:
          --config FILE   the daemon's configuration file (default: $FILMTRIP_HOOK_CONFIG); with
                          appsettings.json next to the binary and environment variables it gives
                          the daemon's address (Urls) and the API token (Hook:ApiToken, Hook:ApiTokenFile)
          --url URL       the daemon's address (default: the first of Urls, else http://localhost:5000)
          -h, --help      a command's usage

        Exit codes:
          0   success
          1   failed: a followed deploy did not succeed, check-config found problems,
              or the daemon refused the request (bad commit, commit not on the branch, ...)
          2   the daemon cannot be reached (not running, or listening elsewhere: --url);
              the daemon itself: a configuration error, or another daemon holds DataDirectory/daemon.lock
          3   the daemon refused the API token (use the daemon's configuration: --config)
          4   unknown service, deploy or commit
          64  bad command line (an unknown command: the nearest one is named), or the --config file
              does not exist or is not valid JSON (check-config: 1)

        Run as the daemon's user (sudo -u filmtrip-deploy filmtrip-hook ...) so the token file is readable
        and check-config tests what the daemon can write.
        """;

    private const string Common = """

        Options for every command:
          --config FILE   the daemon's configuration file (default: $FILMTRIP_HOOK_CONFIG)
          --url URL       the daemon's address (default: the first of Urls in the configuration)

        Exit codes: 0 success, 1 failed, 2 daemon unreachable, 3 API token refused,
        4 unknown service/deploy/commit, 64 bad command line. See 'filmtrip-hook --help'.
        """;

    public static string Of(string command) => command switch
    {
        "status" => """
            Usage: filmtrip-hook status [SERVICE] [--json]

            A table of every service (or one): live commit (12 digits) and release id, the last finished
            deploy (id, trigger, state, finished at, duration), the running deploy and its current step,
            how many deploys wait, then the kept releases, newest first, the live one marked '*'.

              --json   print GET /status (or /status/SERVICE) as the API answers it
            """,
        "deploys" => """
            Usage: filmtrip-hook deploys [SERVICE] [--limit N] [--state STATE] [--json]

            Recent deploys, newest first: id, service, trigger (push, rollback, manual), commit, state,
            queued at, duration, error.

              --limit N       how many (1 to 200, default 20)
              --state STATE   only deploys in this state: queued, running, succeeded, failed,
                              rolled_back, superseded, interrupted, skipped
              --json          print GET /deploys as the API answers it
            """,
        "log" => """
            Usage: filmtrip-hook log DEPLOY_ID [--follow] [--json]

            The deploy's full log (GET /deploys/DEPLOY_ID?log=full).

              --follow   keep printing new lines until the deploy reaches a final state
              --json     print GET /deploys/DEPLOY_ID instead: the deploy, its steps and its log tail
            """,
        "rollback" => """
            Usage: filmtrip-hook rollback COMMIT [--service NAME] [--wait]

            Queues a rollback to COMMIT (7 to 40 hex digits) through POST /rollback. A commit a kept release
            was built from goes live without fetching or building; any other commit of the deploy branch is
            deployed in full. Without --service every service deployed from the commit's repository moves.
            Needs the API token.

              --service NAME   roll back this service only
              --wait           follow each queued deploy to its end, printing its steps;
                               exit 1 when any does not succeed
            """,
        "deploy" => """
            Usage: filmtrip-hook deploy SERVICE [--commit SHA] [--wait]

            Deploys SERVICE now through POST /deploys: the head of its branch as the remote has it
            (fetched now), or COMMIT, which must be on the branch. For when a webhook was missed.
            Needs the API token.

              --commit SHA   deploy this commit (7 to 40 hex digits) instead of the branch head
              --wait         follow the deploy to its end, printing its steps; exit 1 when it does not succeed
            """,
        "check-config" => """
            Usage: filmtrip-hook check-config [--config FILE]

            Reads the configuration exactly as the daemon does (appsettings.json next to the binary,
            --config FILE or $FILMTRIP_HOOK_CONFIG, environment variables) and runs every start-up check,
            plus: DataDirectory and each service's Root writable (or their nearest existing parent when
            they do not exist yet), the pm2 executable present and a pm2 daemon answering in each pm2
            service's PM2_HOME (check-config never starts one). Health URLs must be http(s) on a local
            address. Prints one line per problem; exit 0 ("configuration OK: N services") only when clean.
            Run it as the daemon's user: writability is checked for the user running it.
            """,
        _ => Overview,
    } + (command is "status" or "deploys" or "log" or "rollback" or "deploy" or "check-config" ? Common : "");
}
