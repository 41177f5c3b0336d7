using System.Diagnostics;
using FilmTrip.Hook.History;

namespace FilmTrip.Hook.Deploys;

/// <summary>
/// Records one deploy's steps: its record, its log, and each named step with its timing and exit code. What the deploy
/// works on (<see cref="DeployPlan"/>) and goes live with (<see cref="GoLiveContext"/>) are values passed beside it.
/// </summary>
internal sealed class DeployRun(DeployRecord record, DeployLog log, HistoryStore history, TimeProvider time)
{
    public DeployRecord Record { get; } = record;
    public DeployLog Log { get; } = log;

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
}
