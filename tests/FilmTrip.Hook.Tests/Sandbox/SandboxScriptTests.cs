using System.Diagnostics;
using System.Text;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Sandbox;

/// <summary>README's first quick-start command, run end to end: push, deploy, status, rollback, and nothing left running.</summary>
[LongRunning(50)]
public sealed class SandboxScriptTests
{
    /// <summary>
    /// The script's own arguments for a test: <c>--no-build</c> when this test assembly is a Release build, since the
    /// same build made the daemon the script runs (src/.../bin/Release); a Debug test run lets the script build it.
    /// Without a build of their own the sandbox tests also run side by side (two builds of one project would compete
    /// for its obj/ and bin/).
    /// </summary>
    internal static string[] BuildArguments =>
#if DEBUG
        [];
#else
        ["--no-build"];
#endif

    private static string Script => Path.Combine(RepoPaths.Root, "scripts", "sandbox.sh");

    [Fact]
    public async Task The_sandbox_script_pushes_deploys_reports_rolls_back_and_stops_everything()
    {
        // Its own directory: a developer's .sandbox (maybe kept running with --keep) is never touched.
        using var temp = new TempDirectory("sandbox");
        var sandbox = temp.Combine("sandbox");

        var (exitCode, output) = await RunAsync(Script, ["--dir", sandbox, .. BuildArguments], TimeSpan.FromMinutes(8));

        Assert.True(exitCode == 0, $"sandbox.sh exited {exitCode}:\n{output}");
        var stages = new[]
        {
            "== Push 1", "filmtrip-backend   => succeeded", "filmtrip-frontend  => succeeded",
            "== The new version is serving", "== GET /status", "\"state\": \"succeeded\"",
            "== POST /rollback", "== The old version is serving again", "== Done", "stopped the daemon",
        };
        var position = 0;
        foreach (var stage in stages)
        {
            var found = output.IndexOf(stage, position, StringComparison.Ordinal);
            Assert.True(found >= 0, $"'{stage}' missing (in order) from:\n{output}");
            position = found;
        }
        Assert.Matches(@"The new version is serving\S*\s+backend\s+\S+ -> 2\s+frontend \S+ -> 2", output);
        Assert.Matches(@"The old version is serving again\S*\s+backend\s+\S+ -> 1\s+frontend \S+ -> 1", output);

        Assert.Contains($"sandbox: {sandbox} ", output);
        Assert.False(File.Exists(Path.Combine(sandbox, "daemon.pid")), "the daemon's pid file is gone");
        var pm2Pid = Path.Combine(sandbox, "pm2", "pm2.pid");
        Assert.False(File.Exists(pm2Pid) && FilmTrip.Hook.Native.IsProcessAlive(int.Parse(File.ReadAllText(pm2Pid).Trim())), "the sandbox's pm2 is stopped");
    }

    internal static async Task<(int ExitCode, string Output)> RunAsync(string script, string[] args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("bash", [script, .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.Combine(RepoPaths.Root, "samples"),
        };
        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            // SIGINT like Ctrl-C, so the script's trap still stops what it started.
            _ = FilmTrip.Hook.Native.Signal(process.Id, 2);
            await process.WaitForExitAsync();
            throw new TimeoutException($"sandbox.sh did not finish within {timeout}:\n{output}");
        }
        process.WaitForExit();
        lock (output) return (process.ExitCode, output.ToString());
    }
}
