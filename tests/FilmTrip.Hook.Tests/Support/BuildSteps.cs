using System.Text.Json.Nodes;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>Build steps tests use to hold a deploy at a known point: they wait on a file, never on time.</summary>
public static class BuildSteps
{
    /// <summary>
    /// A step that writes <c>&lt;gate&gt;.started</c> (holding its pid) and then waits until <paramref name="gate"/> exists.
    /// </summary>
    public static JsonArray WaitFor(string gate) => new(
        "node", "-e",
        "const fs = require('fs'); const gate = process.argv[1];" +
        "fs.appendFileSync(gate + '.started', process.pid + '\\n');" +
        "const t = setInterval(() => { if (fs.existsSync(gate)) clearInterval(t); }, 25);",
        gate);

    public static Task WaitUntilStartedAsync(string gate, int count = 1) =>
        Poll.UntilAsync(() => File.Exists(gate + ".started") && File.ReadAllLines(gate + ".started").Length >= count,
            TimeSpan.FromSeconds(60), $"the build step waiting on {gate} to start");

    public static void Open(string gate) => File.WriteAllText(gate, "go");
}
