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

    /// <summary>True when args name a CLI command rather than a daemon start.</summary>
    public static bool Handles(string[] args) => CommandIndex(args) >= 0;

    /// <summary>
    /// Where the command is: first, or after the common options (<c>filmtrip-hook --config FILE status</c>), so such a
    /// line never starts a second daemon by mistake. -1 when there is none.
    /// </summary>
    private static int CommandIndex(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (Shapes.ContainsKey(args[i]) || args[i] is "--help" or "-h") return i;
            if (CliArguments.CommonValues.Any(o => args[i] == "--" + o)) { i++; continue; }
            if (!CliArguments.CommonValues.Any(o => args[i].StartsWith($"--{o}=", StringComparison.Ordinal))) return -1;
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

    private static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var at = CommandIndex(args);
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
