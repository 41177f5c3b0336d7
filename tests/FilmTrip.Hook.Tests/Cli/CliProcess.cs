using System.Diagnostics;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Cli;

/// <summary>
/// The CLI as its own process with stdout and stderr apart, from a chosen working directory, piped or on a terminal
/// (a pseudo-terminal from util-linux's <c>script</c>, as an operator's shell would give it).
/// </summary>
public static class CliProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(string[] args, string? workingDirectory = null, bool terminal = false)
    {
        var start = new ProcessStartInfo(terminal ? "script" : "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        if (terminal)
        {
            // -q quiet, -e the command's exit code, -c the command; the typescript file is thrown away.
            foreach (var a in new[] { "-qec", string.Join(' ', new[] { "dotnet", RepoPaths.DaemonDll }.Concat(args).Select(Quote)), "/dev/null" })
                start.ArgumentList.Add(a);
            start.Environment["TERM"] = "xterm-256color";
            start.Environment["COLUMNS"] = "160";
        }
        else
        {
            start.ArgumentList.Add(RepoPaths.DaemonDll);
            foreach (var a in args) start.ArgumentList.Add(a);
        }
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"filmtrip-hook {string.Join(' ', args)} did not exit:\n{await stdout}{await stderr}");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    private static string Quote(string arg) => "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
