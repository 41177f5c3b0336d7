using FilmTrip.Hook.History;
using FilmTrip.Hook.Rollbacks;
using FilmTrip.Hook.Status;

namespace FilmTrip.Hook.Cli;

/// <summary>Follows queued deploys to their end (<c>--wait</c>): each step as it runs, with its elapsed time.</summary>
internal static class DeployFollower
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Prints what was queued; with <paramref name="wait"/> follows each deploy. Exit 0 only when all succeed.</summary>
    public static async Task<int> ReportAsync<TAccepted>(TAccepted accepted, IReadOnlyList<QueuedDeploy> deploys, string what, bool wait, bool json,
        DaemonClient daemon, CliConsole console, CancellationToken cancellationToken)
    {
        if (!json)
            foreach (var d in deploys)
                await console.Out.WriteLineAsync($"queued {what} of {d.Service} to {Show.Sha(d.Commit)}: deploy {d.DeployId}");
        if (!wait)
        {
            if (json) console.Json(accepted);
            return ExitCodes.Ok;
        }

        var finals = new List<DeploySummary>();
        foreach (var d in deploys)
            finals.Add(json ? await WaitAsync(d.DeployId, daemon, cancellationToken) : await FollowAsync(d.DeployId, daemon, console, cancellationToken));
        // --wait --json: the final records, as GET /deploys lists them.
        if (json) console.Json(new DeployList(finals));
        return finals.All(f => DeployStates.Succeeded(f.State)) ? ExitCodes.Ok : ExitCodes.Failed;
    }

    /// <summary>Polls until the deploy is final, printing nothing (for --json).</summary>
    private static async Task<DeploySummary> WaitAsync(string deployId, DaemonClient daemon, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(PollInterval);
        while (true)
        {
            var detail = await daemon.GetAsync<DeployDetail>(Path(deployId), cancellationToken);
            if (DeployStates.IsFinal(detail.Deploy.State)) return detail.Deploy;
            await timer.WaitForNextTickAsync(cancellationToken);
        }
    }

    /// <summary>Prints each finished step and shows the running one with its elapsed time until the deploy is final.</summary>
    public static Task<DeploySummary> FollowAsync(string deployId, DaemonClient daemon, CliConsole console, CancellationToken cancellationToken) =>
        LiveProgress.RunAsync(console, $"deploy {deployId}: waiting", async progress =>
        {
            var printed = 0;
            using var timer = new PeriodicTimer(PollInterval);
            while (true)
            {
                var detail = await daemon.GetAsync<DeployDetail>(Path(deployId), cancellationToken);
                for (; printed < detail.Steps.Count; printed++)
                    await progress.LineAsync("  " + Step(detail.Steps[printed]), cancellationToken);

                var deploy = detail.Deploy;
                if (DeployStates.IsFinal(deploy.State))
                {
                    await progress.LineAsync($"deploy {deployId} of {deploy.Service}: {SnakeCase.Name(deploy.State)}"
                        + (deploy.DurationSeconds is { } seconds ? $" in {Show.Seconds(seconds)}" : "")
                        + (deploy.Error is null ? "" : $": {deploy.Error}"), cancellationToken);
                    return deploy;
                }
                progress.Status(Running(detail));
                await timer.WaitForNextTickAsync(cancellationToken);
            }
        });

    internal static string Path(string deployId) => "/deploys/" + Uri.EscapeDataString(deployId);

    /// <summary>"deploy X of S: step (12.3s)": steps run one after another, so the running one began when the last ended.</summary>
    internal static string Running(DeployDetail detail)
    {
        var deploy = detail.Deploy;
        if (deploy.StartedAt is not { } started) return $"deploy {deploy.Id} of {deploy.Service}: {SnakeCase.Name(deploy.State)}";
        var since = detail.Steps.Count == 0 ? started : detail.Steps[^1].StartedAt.AddSeconds(detail.Steps[^1].DurationSeconds);
        var elapsed = Math.Max(0, (DateTimeOffset.UtcNow - since).TotalSeconds);
        return $"deploy {deploy.Id} of {deploy.Service}: {deploy.CurrentStep ?? "starting"} ({Show.Seconds(elapsed)})";
    }

    private static string Step(StepView step)
    {
        var outcome = step.Succeeded ? "ok" : step.ExitCode is { } code ? $"FAILED (exit {code})" : "FAILED";
        return $"{step.Name,-32} {Show.Seconds(step.DurationSeconds),7}  {outcome}" + (step.Detail is null ? "" : $"  {step.Detail}");
    }
}
