using System.Text.Json.Nodes;

namespace FilmTrip.Hook.Cli;

/// <summary><c>filmtrip-hook deploys [service] [--limit N] [--state S] [--json]</c>: recent deploys, newest first.</summary>
internal static class DeploysCommand
{
    public static readonly CommandShape Shape = new("deploys", ["limit", "state"], ["json"], 0, 1);

    public static async Task<int> RunAsync(CliArguments args, DaemonClient daemon, TextWriter output, CancellationToken cancellationToken)
    {
        var query = new List<string>();
        if (args.Positionals.Count == 1) query.Add("service=" + Uri.EscapeDataString(args.Positionals[0]));
        if (args.Value("state") is { } state) query.Add("state=" + Uri.EscapeDataString(state));
        if (args.PositiveInt("limit") is { } limit) query.Add($"limit={limit}");
        var text = await daemon.GetTextAsync("/deploys" + (query.Count == 0 ? "" : "?" + string.Join('&', query)), cancellationToken);
        if (args.Flag("json"))
        {
            output.WriteLine(text);
            return ExitCodes.Ok;
        }

        var deploys = JsonNode.Parse(text)!["deploys"]!.AsArray();
        if (deploys.Count == 0)
        {
            output.WriteLine("no deploys");
            return ExitCodes.Ok;
        }
        var table = new TextTable("ID", "SERVICE", "TRIGGER", "COMMIT", "STATE", "QUEUED", "DURATION", "ERROR");
        foreach (var d in deploys)
            table.Add(d!["id"]!.GetValue<string>(), d["service"]!.GetValue<string>(), d["trigger"]!.GetValue<string>(), Show.Sha(d["commit"]),
                d["state"]!.GetValue<string>(), Show.Time(d["queuedAt"]), Show.Seconds(d["durationSeconds"]), Clip(d["error"]?.GetValue<string>()));
        table.WriteTo(output);
        return ExitCodes.Ok;
    }

    private static string Clip(string? error) => error is null ? "" : error.Length <= 80 ? error : error[..79] + "…";
}
