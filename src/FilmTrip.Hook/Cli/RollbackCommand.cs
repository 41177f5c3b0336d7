using System.CommandLine;
using FilmTrip.Hook.Rollbacks;
using FilmTrip.Hook.Status;

namespace FilmTrip.Hook.Cli;

/// <summary><c>filmtrip-hook rollback (COMMIT | --tag TAG | --previous) [--service NAME] [--wait] [--json]</c>: POST /rollback.</summary>
internal static class RollbackCommand
{
    public static Command Create(CliContext cli)
    {
        var commit = CliContext.Word("COMMIT", "7 to 40 hex digits of a commit of the deploy branch", optional: true);
        var tag = new Option<string?>("--tag") { HelpName = "TAG", Description = "Roll back to this tag of the remote (it must be on the deploy branch)" };
        var previous = new Option<bool>("--previous") { Description = "Roll back to the release that was live before the current one" };
        var service = new Option<string?>("--service") { HelpName = "NAME", Description = "Roll back this service only (default: every service deployed from the commit's repository)" };
        var wait = new Option<bool>("--wait") { Description = "Follow each queued deploy to its end, each step as it runs; exit 1 when any does not succeed" };
        var json = CliContext.Json("the queued deploys (with --wait: their final records)");
        var command = new Command("rollback",
            "Queue a rollback through POST /rollback (needs the API token). A commit a kept release was built from goes live "
            + "without fetching or building; any other commit of the deploy branch is deployed in full.")
        {
            commit, tag, previous, service, wait, json,
        };
        command.Validators.Add(r =>
        {
            var given = (r.GetValue(commit) is null ? 0 : 1) + (r.GetValue(tag) is null ? 0 : 1) + (r.GetValue(previous) ? 1 : 0);
            if (given != 1) r.AddError("give exactly one of COMMIT, --tag TAG or --previous");
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var request = new RollbackRequest(parse.GetValue(commit), parse.GetValue(service))
            {
                Tag = parse.GetValue(tag),
                Previous = parse.GetValue(previous) ? true : null,
            };
            using var daemon = cli.Daemon(parse);
            var accepted = await daemon.PostAsync<RollbackAccepted>("/rollback", request, cancellationToken);
            return await DeployFollower.ReportAsync(accepted, accepted.Deploys, "rollback", parse.GetValue(wait), parse.GetValue(json), daemon, cli.Console, cancellationToken);
        });
        return command;
    }
}
