using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.History;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Notifications;

/// <summary>
/// Writes "notification … failed" (or a failed GitHub status) into the deploy's own log, so whoever reads the deploy sees it. The deploy's writer
/// (<see cref="Deploys.DeployLog"/>) writes at its own offset, so a line is appended only while no deploy writes that
/// file: at once for a finished deploy or one still awaiting approval (the file is opened afresh in append mode);
/// held for a deploy that was approved and is queued or running, and appended when it finishes. A line that would
/// take the file past Hook:MaxDeployLogBytes is left out (the daemon's own log has it too).
/// </summary>
internal sealed class FailureLines(IOptions<HookOptions> options, HistoryStore history, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _held = new(StringComparer.Ordinal);

    public bool HasHeld(string deployId) => _held.ContainsKey(deployId);

    /// <summary><paramref name="source"/> names who failed: "notifications", "github".</summary>
    public void Record(DeployRecord deploy, string source, string line)
    {
        var stamped = $"{time.GetUtcNow().UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} [{source}] {line}";
        if (history.Get(deploy.Id)?.State is DeployState.Queued or DeployState.Running)
        {
            _held.GetOrAdd(deploy.Id, _ => new ConcurrentQueue<string>()).Enqueue(stamped);
            // The deploy may have finished between the look and the hold, its Finished already past: look again.
            Release(deploy);
        }
        else
            Append(deploy.LogPath, stamped);
    }

    /// <summary>Appends what was held for a deploy that has now finished.</summary>
    public void Release(DeployRecord deploy)
    {
        if (history.Get(deploy.Id)?.State is DeployState.Queued or DeployState.Running) return;
        if (_held.TryRemove(deploy.Id, out var lines))
            foreach (var line in lines) Append(deploy.LogPath, line);
    }

    private void Append(string path, string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        if (file.Length + bytes.Length <= options.Value.MaxDeployLogBytes) file.Write(bytes);
    }
}
