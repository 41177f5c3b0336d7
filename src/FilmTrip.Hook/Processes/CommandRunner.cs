using System.Diagnostics;
using CliWrap;

namespace FilmTrip.Hook.Processes;

/// <summary>One external program to run: an argv array, never a shell string.</summary>
public sealed record CommandSpec(
    string Executable,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    TimeSpan Timeout)
{
    /// <summary>
    /// Longer output lines are cut (and only this much of one is ever held in memory). The default fits any
    /// machine-readable output (pm2 jlist is one JSON line); build steps use <see cref="OutputLines.MaxLineBytes"/>.
    /// </summary>
    public int MaxLineBytes { get; init; } = 16 << 20;

    public override string ToString() => string.Join(' ', [Executable, .. Arguments]);
}

public sealed record CommandResult(int ExitCode, TimeSpan Duration, bool TimedOut)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;
}

public interface ICommandRunner
{
    /// <summary>
    /// Runs the command with exactly <see cref="CommandSpec.Environment"/> (nothing inherited from the daemon),
    /// streaming each output line to <paramref name="output"/> (standard error too, unless <paramref name="errorOutput"/>
    /// takes it). On timeout or cancellation the whole process tree is killed.
    /// </summary>
    Task<CommandResult> RunAsync(CommandSpec spec, Action<string> output, CancellationToken cancellationToken, Action<string>? errorOutput = null);
}

internal sealed class CliWrapCommandRunner : ICommandRunner
{
    public async Task<CommandResult> RunAsync(CommandSpec spec, Action<string> output, CancellationToken cancellationToken, Action<string>? errorOutput = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(spec.Timeout);
        var stopwatch = Stopwatch.StartNew();
        var command = CliWrap.Cli.Wrap(spec.Executable)
            .WithArguments(spec.Arguments)
            .WithWorkingDirectory(spec.WorkingDirectory)
            .WithEnvironmentVariables(IsolatedEnvironment(spec.Environment))
            .WithStandardInputPipe(PipeSource.Null)
            .WithStandardOutputPipe(OutputLines.To(output, spec.MaxLineBytes))
            .WithStandardErrorPipe(OutputLines.To(errorOutput ?? output, spec.MaxLineBytes))
            .WithValidation(CommandResultValidation.None);
        try
        {
            // CliWrap kills the entire process tree when the forceful token fires.
            var result = await command.ExecuteAsync(timeout.Token);
            return new CommandResult(result.ExitCode, stopwatch.Elapsed, TimedOut: false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            output($"[filmtrip-hook] '{spec}' timed out after {spec.Timeout}; its process tree was killed");
            return new CommandResult(-1, stopwatch.Elapsed, TimedOut: true);
        }
    }

    /// <summary>
    /// Starts from the daemon's environment and removes every variable not asked for:
    /// no secret of the daemon (Hook__WebhookSecret, tokens) ever reaches a child.
    /// </summary>
    private static Dictionary<string, string?> IsolatedEnvironment(IReadOnlyDictionary<string, string> wanted)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var key in System.Environment.GetEnvironmentVariables().Keys.Cast<string>())
            environment[key] = null;
        foreach (var (key, value) in wanted)
            environment[key] = value;
        return environment;
    }
}
