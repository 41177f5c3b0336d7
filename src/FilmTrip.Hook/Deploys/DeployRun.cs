using System.Diagnostics;
using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.History;
using FilmTrip.Hook.Processes;

namespace FilmTrip.Hook.Deploys;

/// <summary>The state of one deploy while it runs: its record, its log, its directories, and how to record a step.</summary>
internal sealed class DeployRun(DeployRecord record, ServiceOptions service, ReleaseLayout layout, DeployLog log, HistoryStore history, TimeProvider time)
{
    public DeployRecord Record { get; } = record;
    public ServiceOptions Service { get; } = service;
    public ReleaseLayout Layout { get; } = layout;
    public DeployLog Log { get; } = log;

    /// <summary>The release that was live when this deploy started.</summary>
    public string? PreviousRelease { get; init; }
    /// <summary>The commit that was live when this deploy started.</summary>
    public string? PreviousCommit { get; init; }
    /// <summary>The release this deploy created (or switches to, for an instant rollback).</summary>
    public string? Release { get; private set; }
    /// <summary>Whether this deploy created <see cref="Release"/> (and so may delete it on failure).</summary>
    public bool CreatedRelease { get; private set; }
    /// <summary>Whether live traffic may have reached <see cref="Release"/>: from then on only <see cref="GoingBack"/> undoes it.</summary>
    public bool Switched { get; private set; }

    /// <summary>The release this deploy goes live with, recorded in history before anything is done with it.</summary>
    public void UseRelease(string release, bool created)
    {
        (Release, CreatedRelease) = (release, created);
        history.SetRelease(Record.Id, release, created);
    }

    /// <summary>Called by a strategy right before live traffic may reach the new release (recorded for crash recovery).</summary>
    public void MarkSwitched()
    {
        if (Switched) return;
        history.MarkSwitched(Record.Id);
        Switched = true;
    }

    /// <summary>The strategy proved that traffic never moved (nginx refused the change): a failure is then not a rollback.</summary>
    public void UnmarkSwitched()
    {
        history.MarkSwitched(Record.Id, switched: false);
        Switched = false;
    }

    /// <summary>A run rebuilt from history after a crash: what it recorded, for <see cref="GoingBack"/> to undo.</summary>
    public static DeployRun Recovered(DeployRecord record, ServiceOptions service, ReleaseLayout layout, DeployLog log, HistoryStore history, TimeProvider time) =>
        new(record, service, layout, log, history, time)
        {
            PreviousRelease = record.PreviousRelease,
            PreviousCommit = record.PreviousCommit,
            Release = record.ReleaseId,
            CreatedRelease = record.CreatedRelease,
            Switched = record.Switched,
        };

    /// <summary>Runs one named step: shown as the current step while it runs, then recorded with its timing and exit code.</summary>
    public async Task StepAsync(string name, Func<Task<int?>> body)
    {
        var startedAt = time.GetUtcNow();
        var stopwatch = Stopwatch.StartNew();
        history.SetCurrentStep(Record.Id, name, startedAt);
        Log.Write($"==> {name}");
        try
        {
            var exitCode = await body();
            history.AddStep(Record.Id, new StepRecord(name, startedAt, stopwatch.Elapsed, exitCode, Succeeded: true, Detail: null));
            Log.Write($"<== {name} ok in {stopwatch.Elapsed.TotalSeconds:0.000}s");
        }
        catch (Exception e)
        {
            var exitCode = (e as DeployFailedException)?.ExitCode;
            var detail = e is OperationCanceledException ? "interrupted" : e.Message;
            history.AddStep(Record.Id, new StepRecord(name, startedAt, stopwatch.Elapsed, exitCode, Succeeded: false, detail));
            Log.Write($"<== {name} FAILED in {stopwatch.Elapsed.TotalSeconds:0.000}s: {detail}");
            throw;
        }
    }

    public Task StepAsync(string name, Action body) => StepAsync(name, () => { body(); return Task.FromResult<int?>(null); });

    /// <summary>PATH and HOME of the daemon, the service's Environment and its PORT: all a child gets.</summary>
    public IReadOnlyDictionary<string, string> ChildEnvironment => _childEnvironment ??= Deploys.ChildEnvironment.Of(Service);
    private IReadOnlyDictionary<string, string>? _childEnvironment;

    /// <summary>How this deploy talks to pm2, or null for a service without pm2.</summary>
    public Pm2Context? Pm2Context => _pm2Context ??= Pm2ContextOf(Service, ChildEnvironment);
    private Pm2Context? _pm2Context;

    /// <summary>How a service talks to pm2 (its app, PM2_HOME, working directory and environment), or null without pm2.</summary>
    public static Pm2Context? Pm2ContextOf(ServiceOptions service, IReadOnlyDictionary<string, string> environment) =>
        service.Pm2 is { } pm2 ? new Pm2Context(pm2.Executable, Pm2Client.HomeOf(pm2, environment), pm2.App, service.Root, environment) : null;
}
