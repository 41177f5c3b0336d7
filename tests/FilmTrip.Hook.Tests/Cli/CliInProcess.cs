using FilmTrip.Hook.Cli;

namespace FilmTrip.Hook.Tests.Cli;

/// <summary>
/// The CLI run inside the test process: <see cref="CliApp.RunAsync(string[], CliConsole, CancellationToken)"/> with the
/// test's writers, standard output and error merged in the order written, piped (never a terminal). It parses, reads the
/// configuration and talks to the daemon as the program does, without a .NET start per command (about 0.45 CPU-s).
/// What only a process shows (the program's entry, its exit status, a terminal, a working directory) is tested
/// through <see cref="CliProcess"/> and <see cref="Support.Daemon.RunToEndAsync"/>.
/// </summary>
public static class CliInProcess
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var both = TextWriter.Synchronized(output);
        using var deadline = new CancellationTokenSource(Deadline);
        var exitCode = await CliApp.RunAsync(args, new CliConsole(both, both, isTerminal: false), deadline.Token);
        if (deadline.IsCancellationRequested)
            throw new TimeoutException($"filmtrip-hook {string.Join(' ', args)} did not end within {Deadline}:\n{output}");
        return (exitCode, output.ToString());
    }
}
