using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Cli;

/// <summary>
/// <c>filmtrip-hook &lt;command&gt;</c>: the operator CLI on the daemon's own binary (issue #7).
/// Read commands use the HTTP API's GETs; rollback and deploy its token-protected POSTs.
/// </summary>
public static class CliApp
{
    private static readonly Dictionary<string, CommandShape> Shapes = new[]
    {
        StatusCommand.Shape, DeploysCommand.Shape, LogCommand.Shape, RollbackCommand.Shape, DeployCommand.Shape,
        CheckConfigCommand.Shape, new CommandShape("help", [], [], 0, 1),
    }.ToDictionary(s => s.Name, StringComparer.Ordinal);

    /// <summary>
    /// True when args name a CLI command, or hold a word that is neither a command nor an option: that is a usage
    /// error (exit 64), never a daemon start (issue #11: "stauts" started a second daemon). The daemon starts only
    /// without a command.
    /// </summary>
    public static bool Handles(string[] args) => FirstWord(args) >= 0;

    /// <summary>
    /// Where the first word that is not an option is: the command, first or after options
    /// (<c>filmtrip-hook --config FILE status</c>); -1 when there is none. An option without "=" takes the next
    /// argument (unless it is a command or an option) as its value, as the daemon's command-line configuration reads it
    /// (<c>--urls URL</c>); a <c>key=value</c> word is that configuration too.
    /// </summary>
    private static int FirstWord(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (Shapes.ContainsKey(args[i]) || args[i] is "--help" or "-h") return i;
            if (args[i].StartsWith('-'))
            {
                if (!args[i].Contains('=', StringComparison.Ordinal) && i + 1 < args.Length && !Shapes.ContainsKey(args[i + 1])
                    && !args[i + 1].StartsWith('-')) i++;
                continue;
            }
            if (!args[i].Contains('=', StringComparison.Ordinal)) return i;
        }
        return -1;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancellation.Cancel(); };
        try
        {
            return await RunAsync(args, Console.Out, Console.Error, cancellation.Token);
        }
        catch (CliFailure failure)
        {
            await Console.Error.WriteLineAsync($"filmtrip-hook: {failure.Message}");
            return failure.ExitCode;
        }
        catch (OptionsValidationException e)
        {
            foreach (var problem in e.Failures) await Console.Error.WriteLineAsync($"filmtrip-hook: {problem}");
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return 130;
        }
    }

    /// <summary>"did you mean 'status'?" when a command is close enough to be the one meant.</summary>
    private static string Suggestion(string word) =>
        NearestName.Of(word, Shapes.Keys) is { } near && near.Distance <= Math.Max(2, word.Length / 3)
            ? $"did you mean '{near.Name}'?"
            : "see 'filmtrip-hook --help'";

    private static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var at = FirstWord(args);
        if (!Shapes.ContainsKey(args[at]) && args[at] is not ("--help" or "-h"))
            throw new CliFailure(ExitCodes.Usage, $"unknown command '{args[at]}'; {Suggestion(args[at])}");
        args = [args[at], .. args[..at], .. args[(at + 1)..]];
        if (args[0] is "--help" or "-h") args = ["help", .. args[1..]];
        var parsed = CliArguments.Parse(args, Shapes[args[0]]);
        if (parsed.Command == "help" || parsed.Help)
        {
            var topic = parsed.Command == "help" ? parsed.Positionals.FirstOrDefault() : parsed.Command;
            if (topic is not null && !Shapes.ContainsKey(topic))
                throw new CliFailure(ExitCodes.Usage, $"help: no command '{topic}'; see 'filmtrip-hook --help'");
            await output.WriteLineAsync(Usage.Of(topic ?? "help"));
            return ExitCodes.Ok;
        }
        if (parsed.Command == "check-config")
            return await CheckConfigCommand.RunAsync(parsed, output, error, cancellationToken);

        var configuration = CliConfiguration.Load(parsed.Value("config"));
        var (token, tokenProblem) = CliConfiguration.ApiToken(configuration);
        using var daemon = new DaemonClient(CliConfiguration.DaemonAddress(configuration, parsed.Value("url")), token, tokenProblem);
        return parsed.Command switch
        {
            "status" => await StatusCommand.RunAsync(parsed, daemon, output, cancellationToken),
            "deploys" => await DeploysCommand.RunAsync(parsed, daemon, output, cancellationToken),
            "log" => await LogCommand.RunAsync(parsed, daemon, output, cancellationToken),
            "rollback" => await RollbackCommand.RunAsync(parsed, daemon, output, cancellationToken),
            "deploy" => await DeployCommand.RunAsync(parsed, daemon, output, cancellationToken),
            _ => throw new CliFailure(ExitCodes.Usage, $"no command '{parsed.Command}'"),
        };
    }
}
