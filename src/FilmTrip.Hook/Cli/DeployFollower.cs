using System.Text.Json.Nodes;

namespace FilmTrip.Hook.Cli;

/// <summary>Follows queued deploys to their end (<c>--wait</c>), printing each step as history records it.</summary>
internal static class DeployFollower
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Prints what was queued; with <paramref name="wait"/> follows each deploy. Exit 0 only when all succeed.</summary>
    public static async Task<int> ReportAsync(JsonNode accepted, string what, bool wait, DaemonClient daemon, TextWriter output, CancellationToken cancellationToken)
    {
        var deploys = accepted["deploys"]!.AsArray().Select(d => d!).ToList();
        foreach (var d in deploys)
            output.WriteLine($"queued {what} of {d["service"]!.GetValue<string>()} to {Show.Sha(d["commit"])}: deploy {d["deployId"]!.GetValue<string>()}");
        if (!wait) return ExitCodes.Ok;

        var failed = 0;
        foreach (var d in deploys)
            if (!await FollowAsync(d["deployId"]!.GetValue<string>(), daemon, output, cancellationToken))
                failed++;
        return failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    /// <summary>True when the deploy succeeded.</summary>
    public static async Task<bool> FollowAsync(string deployId, DaemonClient daemon, TextWriter output, CancellationToken cancellationToken)
    {
        var printed = 0;
        using var timer = new PeriodicTimer(PollInterval);
        while (true)
        {
            var detail = await daemon.GetJsonAsync("/deploys/" + Uri.EscapeDataString(deployId), cancellationToken);
            var steps = detail["steps"]!.AsArray();
            for (; printed < steps.Count; printed++)
                output.WriteLine("  " + Step(steps[printed]!));
            await output.FlushAsync(cancellationToken);

            var deploy = detail["deploy"]!;
            var state = deploy["state"]!.GetValue<string>();
            if (Show.IsFinal(state))
            {
                var error = deploy["error"]?.GetValue<string>();
                output.WriteLine($"deploy {deployId} of {deploy["service"]!.GetValue<string>()}: {state}" +
                    (deploy["durationSeconds"] is { } seconds ? $" in {Show.Seconds(seconds)}" : "") + (error is null ? "" : $": {error}"));
                return state == "succeeded";
            }
            await timer.WaitForNextTickAsync(cancellationToken);
        }
    }

    private static string Step(JsonNode step)
    {
        var outcome = step["succeeded"]!.GetValue<bool>() ? "ok" : step["exitCode"] is { } code ? $"FAILED (exit {code.GetValue<int>()})" : "FAILED";
        var detail = step["detail"]?.GetValue<string>();
        return $"{step["name"]!.GetValue<string>(),-32} {Show.Seconds(step["durationSeconds"]),7}  {outcome}" + (detail is null ? "" : $"  {detail}");
    }
}
