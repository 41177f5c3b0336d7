using System.Text.Json.Nodes;

namespace FilmTrip.Hook.Cli;

/// <summary><c>filmtrip-hook status [service] [--json]</c>: what is live, what ran last, what runs now, what is kept.</summary>
internal static class StatusCommand
{
    public static readonly CommandShape Shape = new("status", [], ["json"], 0, 1);

    public static async Task<int> RunAsync(CliArguments args, DaemonClient daemon, TextWriter output, CancellationToken cancellationToken)
    {
        var path = args.Positionals.Count == 1 ? $"/status/{Uri.EscapeDataString(args.Positionals[0])}" : "/status";
        var text = await daemon.GetTextAsync(path, cancellationToken);
        if (args.Flag("json"))
        {
            output.WriteLine(text);
            return ExitCodes.Ok;
        }

        var json = JsonNode.Parse(text)!;
        var services = args.Positionals.Count == 1 ? [json] : json["services"]!.AsArray().Select(s => s!).ToList();
        Write(services, output);
        return ExitCodes.Ok;
    }

    private static void Write(IReadOnlyList<JsonNode> services, TextWriter output)
    {
        var table = new TextTable("SERVICE", "LIVE COMMIT", "RELEASE", "LAST DEPLOY", "TRIGGER", "STATE", "FINISHED", "DURATION", "RUNNING", "QUEUED");
        foreach (var s in services)
        {
            var live = s["current"];
            var last = s["lastDeploy"];
            table.Add(s["name"]!.GetValue<string>(), Show.Sha(live?["commit"]), Show.Text(live?["releaseId"]),
                Show.Text(last?["id"]), Show.Text(last?["trigger"]), Show.Text(last?["state"]), Show.Time(last?["finishedAt"]),
                Show.Seconds(last?["durationSeconds"]), Running(s["running"]), s["queued"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        table.WriteTo(output);

        output.WriteLine();
        output.WriteLine("Kept releases, newest first (* = live):");
        var releases = new TextTable("SERVICE", "RELEASE", "COMMIT", "BUILT");
        foreach (var s in services)
        {
            var liveRelease = s["current"]?["releaseId"]?.GetValue<string>();
            foreach (var r in s["releases"]!.AsArray())
            {
                var id = r!["releaseId"]!.GetValue<string>();
                releases.Add(s["name"]!.GetValue<string>(), (id == liveRelease ? "* " : "  ") + id, Show.Sha(r["commit"]), Show.Time(r["time"]));
            }
        }
        releases.WriteTo(output);
    }

    private static string Running(JsonNode? running) => running is null
        ? Show.None
        : $"{running["id"]!.GetValue<string>()} {running["step"]?.GetValue<string>() ?? "starting"} ({Show.Seconds(running["elapsedSeconds"])})";
}
