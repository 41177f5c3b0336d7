using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace FilmTrip.Hook.Cli;

/// <summary>
/// System.CommandLine's help plus what it cannot know: how the daemon itself starts and the exit codes scripts rely on.
/// README's "Operator CLI" section is a copy of <c>filmtrip-hook --help</c> (a test compares them): change both together.
/// </summary>
internal static class HelpText
{
    /// <summary>Fixed, not the terminal's width: the help is the same everywhere, README included.</summary>
    public const int Width = 100;

    public const string Daemon = """
        Without a command it runs the daemon (what the systemd unit runs):
          filmtrip-hook [--config FILE] [--urls URL]
        With one it operates the running daemon over its HTTP API. Run as the daemon's user
        (sudo -u filmtrip-deploy filmtrip-hook ...) so the token file is readable and check-config tests
        what the daemon can write. Shell completion: source <(filmtrip-hook completion bash)
        """;

    public const string ExitCodes = """
        Exit codes:
          0   success
          1   failed: a followed deploy did not succeed, check-config found problems,
              or the daemon refused the request (bad commit, commit not on the branch, ...)
          2   the daemon cannot be reached (not running, or listening elsewhere: --url);
              the daemon itself: a configuration error, or another daemon holds DataDirectory/daemon.lock
          3   the daemon refused the API token (use the daemon's configuration: --config)
          4   unknown service, deploy, commit or tag
          64  bad command line (an unknown command: the nearest one is named; a bad --state or --limit),
              or the --config file does not exist or is not valid JSON (check-config: 1)
        """;

    private const string ShortExitCodes = """
        Exit codes: 0 success, 1 failed, 2 daemon unreachable, 3 API token refused,
        4 unknown service/deploy/commit/tag, 64 bad command line. See 'filmtrip-hook --help'.
        """;

    public static void Customize(RootCommand root)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        if (help.Action is not HelpAction action) return;
        action.MaxWidth = Width;
        help.Action = new WithExitCodes(action);
    }

    /// <summary>System.CommandLine's help, then the daemon's usage (root only) and the exit codes.</summary>
    private sealed class WithExitCodes(HelpAction help) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            // Wrapped lines end in a space; README holds a copy of this text, and editors strip trailing spaces.
            var configuration = parseResult.InvocationConfiguration;
            var output = configuration.Output;
            var text = new StringWriter();
            configuration.Output = text;
            try
            {
                help.Invoke(parseResult);
            }
            finally
            {
                configuration.Output = output;
            }
            foreach (var line in text.ToString().TrimEnd().Split('\n')) output.WriteLine(line.TrimEnd());
            output.WriteLine();
            var root = parseResult.CommandResult.Command is RootCommand;
            if (root) output.WriteLine(Daemon + Environment.NewLine);
            output.WriteLine(root ? ExitCodes : ShortExitCodes);
            return 0;
        }
    }
}
