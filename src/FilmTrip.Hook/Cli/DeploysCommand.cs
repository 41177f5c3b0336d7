using System.CommandLine;
using System.Globalization;
using FilmTrip.Hook.History;
using FilmTrip.Hook.Status;

namespace FilmTrip.Hook.Cli;

/// <summary><c>filmtrip-hook deploys [SERVICE] [--limit N] [--state STATE] [--json]</c>: recent deploys, newest first.</summary>
internal static class DeploysCommand
{
    public static Command Create(CliContext cli)
    {
        var service = CliContext.Word("SERVICE", "One service's deploys (default: all)", optional: true);
        var limit = new Option<int?>("--limit")
        {
            HelpName = "N", Description = $"How many (1 to {StatusEndpoints.MaxPageSize}, default 20)",
            // Checked here as the API would, so a typo is a usage error (64) before any request.
            CustomParser = r =>
            {
                if (r.Tokens is [var token] && int.TryParse(token.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                    && n is >= 1 and <= StatusEndpoints.MaxPageSize)
                    return n;
                r.AddError($"--limit must be a whole number from 1 to {StatusEndpoints.MaxPageSize}, not '{r.Tokens.FirstOrDefault()?.Value}'");
                return null;
            },
        };
        var state = new Option<string?>("--state") { HelpName = "STATE", Description = "Only deploys in this state" };
        state.AcceptOnlyFromAmong(DeployStates.Names);
        var json = CliContext.Json("GET /deploys");
        var command = new Command("deploys", "Recent deploys, newest first: id, service, trigger, commit, state, queued at, duration, error.")
        {
            service, limit, state, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var query = new List<string>();
            if (parse.GetValue(service) is { } name) query.Add("service=" + Uri.EscapeDataString(name));
            if (parse.GetValue(state) is { } wanted) query.Add("state=" + Uri.EscapeDataString(wanted));
            if (parse.GetValue(limit) is { } n) query.Add($"limit={n}");
            using var daemon = cli.Daemon(parse);
            var list = await daemon.GetAsync<DeployList>("/deploys" + (query.Count == 0 ? "" : "?" + string.Join('&', query)), cancellationToken);
            if (parse.GetValue(json)) cli.Console.Json(list);
            else Write(list, cli.Console);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Write(DeployList list, CliConsole console)
    {
        if (list.Deploys.Count == 0)
        {
            console.Out.WriteLine("no deploys");
            return;
        }
        var table = CliConsole.Table("ID", "SERVICE", "TRIGGER", "COMMIT", "STATE", "QUEUED", "DURATION", "ERROR");
        foreach (var d in list.Deploys)
            CliConsole.Row(table, d.Id, d.Service, d.Trigger, Show.Sha(d.Commit), d.State, Show.Time(d.QueuedAt), Show.Seconds(d.DurationSeconds), Clip(d.Error));
        console.Write(table);
    }

    private static string Clip(string? error) => error is null ? "" : error.Length <= 80 ? error : error[..79] + "…";
}

/// <summary>The deploy states as the API names them, from the one enum (<see cref="DeployState"/>).</summary>
internal static class DeployStates
{
    public static readonly string[] Names = Enum.GetValues<DeployState>().Select(HistoryStore.StateName).ToArray();

    // A deploy awaiting approval may still run: a follower keeps waiting for the operator who approves it.
    private static readonly string[] Waiting =
        [.. new[] { DeployState.Queued, DeployState.Running, DeployState.AwaitingApproval }.Select(HistoryStore.StateName)];

    /// <summary>States after which a deploy never changes again.</summary>
    public static bool IsFinal(string state) => !Waiting.Contains(state);

    public static bool Succeeded(string state) => state == HistoryStore.StateName(DeployState.Succeeded);
}
