using System.Globalization;
using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Deploys;
using FilmTrip.Hook.History;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Status;

/// <summary>What is live, what runs, what ran: read from each service's directories and the history.</summary>
public sealed class StatusReader(IOptions<HookOptions> options, HistoryStore history, Watch.Watches watches, TimeProvider time, Git.IGitSource git)
{
    public ServiceStatus Of(string name)
    {
        var service = options.Value.Services[name];
        var layout = new ReleaseLayout(service.Root);
        var now = time.GetUtcNow();

        var current = layout.CurrentRelease() is { } live ? Live(name, service, live) : null;

        var recent = history.List(name, null, 50);
        var running = recent.FirstOrDefault(d => d.State == DeployState.Running) is { } r
            ? new RunningDeploy(r.Id, r.Trigger, r.Commit, r.CurrentStep,
                r.CurrentStepStartedAt is { } s ? (now - s).TotalSeconds : null, (now - (r.StartedAt ?? now)).TotalSeconds)
            : null;
        var last = history.LastFinished(name);
        var releases = history.KeptReleases(name, layout.Releases())
            .Select(k => new KeptRelease(k.Commit, k.Release, ReleaseTime(k.Release)))
            .ToList();
        return new ServiceStatus(name, current, running, history.Queued().Count(d => d.Service == name),
            last is null ? null : DeploySummary.Of(last), releases, service.Strategy.ToString(), ColorsOf(name, service), watches.Of(name, now))
        {
            Awaiting = history.AwaitingApproval(name).Select(DeploySummary.Of).ToList(),
        };
    }

    /// <summary>Each color as history recorded it and as the upstream file routes; null for a Reload service.</summary>
    private List<ColorStatus>? ColorsOf(string name, ServiceOptions service)
    {
        if (service.Strategy != DeployStrategy.BlueGreen || service.Pm2 is null || service.BlueGreen is null) return null;
        var colors = Deploys.GoLive.Colors.Of(service, history.Colors(name));
        return colors.All.Select(c => colors.ReleaseOf(c) is { } release
                ? new ColorStatus(c.Name, c.App.App, c.Port, release, history.CommitOfRelease(name, release), c == colors.Live() ? "live" : "warm")
                : new ColorStatus(c.Name, c.App.App, c.Port, null, null, "stopped"))
            .ToList();
    }

    private LiveRelease Live(string name, ServiceOptions service, string release)
    {
        var commit = history.CommitOfRelease(name, release);
        var about = commit is null ? null : git.Describe(service, commit);
        return new LiveRelease(commit, release, LastSwitchTo(name, release) ?? ReleaseTime(release))
        {
            Message = about?.Subject, Author = about?.Author, AuthoredAt = about?.AuthoredAt,
        };
    }

    public StatusResponse All() => new(options.Value.Services.Keys.Order(StringComparer.Ordinal).Select(Of).ToList());

    /// <summary>When the live release last went live: the newest successful deploy that switched to it.</summary>
    private DateTimeOffset? LastSwitchTo(string service, string release) =>
        history.List(service, DeployState.Succeeded, 50).FirstOrDefault(d => d.ReleaseId == release)?.FinishedAt;

    private static DateTimeOffset ReleaseTime(string releaseId) =>
        DateTimeOffset.ParseExact(releaseId[..14], "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
