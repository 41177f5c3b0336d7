using System.Text.RegularExpressions;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Sandbox;

/// <summary><c>scripts/sandbox.sh --keep</c>: the daemon and pm2 stay up, the printed CLI lines work, the printed stop line stops both (issue 12).</summary>
[LongRunning(70)]
public sealed class SandboxKeepTests
{
    [Fact]
    public async Task Keep_leaves_the_sandbox_running_prints_working_cli_lines_and_one_line_that_stops_it()
    {
        using var temp = new TempDirectory("sandbox-keep");
        var sandbox = temp.Combine("sandbox");
        string? stop = null;
        try
        {
            var (exitCode, output) = await SandboxScriptTests.RunAsync(Path.Combine(RepoPaths.Root, "scripts", "sandbox.sh"),
                ["--keep", "--dir", sandbox, .. SandboxScriptTests.BuildArguments], TimeSpan.FromMinutes(8));
            stop = Regex.Match(output, @"Stop everything it started[^\n]*\n\s+(kill [^\n]+)").Groups[1].Value.Trim();

            Assert.True(exitCode == 0, $"sandbox.sh --keep exited {exitCode}:\n{output}");
            Assert.DoesNotContain("stopped the daemon", output);
            var daemonPid = int.Parse(File.ReadAllText(Path.Combine(sandbox, "daemon.pid")).Trim());
            var pm2Pid = int.Parse(File.ReadAllText(Path.Combine(sandbox, "pm2", "pm2.pid")).Trim());
            Assert.True(FilmTrip.Hook.Native.IsProcessAlive(daemonPid), "the daemon keeps running");
            Assert.True(FilmTrip.Hook.Native.IsProcessAlive(pm2Pid), "the sandbox's pm2 keeps running");
            Assert.Matches($@"^kill {daemonPid}; PM2_HOME={Regex.Escape(Path.Combine(sandbox, "pm2"))} \S+/pm2 kill$", stop);

            // The printed lines, run as printed: going back to the previous release, then to the tag.
            var previous = Line(output, "rollback --previous --wait");
            var tag = Line(output, "rollback --tag v1.0.0 --wait");
            var status = Line(output, " status --config");
            var (previousExit, previousOutput) = await Bash(previous);
            Assert.True(previousExit == 0, previousOutput);
            Assert.Contains("of filmtrip-backend: succeeded", previousOutput);
            var (tagExit, tagOutput) = await Bash(tag);
            Assert.True(tagExit == 0, tagOutput);
            Assert.Contains("of filmtrip-frontend: succeeded", tagOutput);
            var (statusExit, statusOutput) = await Bash(status);
            Assert.Equal(0, statusExit);
            Assert.Matches(@"filmtrip-backend\s+[0-9a-f]{12}\s", statusOutput);

            var (stopExit, stopOutput) = await Bash(stop);
            stop = null;
            Assert.True(stopExit == 0, stopOutput);
            await Poll.UntilAsync(() => !FilmTrip.Hook.Native.IsProcessAlive(daemonPid) && !FilmTrip.Hook.Native.IsProcessAlive(pm2Pid), TimeSpan.FromSeconds(30),
                "the stop line to end the daemon and pm2");
        }
        finally
        {
            if (!string.IsNullOrEmpty(stop)) await Bash(stop);
        }
    }

    private static string Line(string output, string containing) =>
        output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("dotnet ", StringComparison.Ordinal) && l.Contains(containing, StringComparison.Ordinal));

    private static async Task<(int ExitCode, string Output)> Bash(string line)
    {
        var script = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(script, line + "\n");
            return await SandboxScriptTests.RunAsync(script, [], TimeSpan.FromMinutes(3));
        }
        finally
        {
            File.Delete(script);
        }
    }
}
