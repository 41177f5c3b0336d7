using System.Diagnostics;
using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.History;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Readiness;

/// <summary>
/// Whether the daemon can take a deploy now (GET /readyz, issue #13), or the first reason it cannot. Each check writes
/// for real (a row, a file), because permissions alone do not say it: root ignores them, a read-only mount does not.
/// </summary>
public sealed class ReadinessProbe(IOptions<HookOptions> options, HistoryStore history, IHostApplicationLifetime lifetime, TimeProvider time)
{
    /// <summary>Deploys this process runs start after it did: one left running from before is waiting for crash recovery.</summary>
    private static readonly DateTimeOffset ProcessStarted = Process.GetCurrentProcess().StartTime.ToUniversalTime();

    /// <summary>Null when ready, else why not.</summary>
    public string? Check()
    {
        if (!lifetime.ApplicationStarted.IsCancellationRequested) return "the daemon is still starting (the deploy queue is not up)";
        if (history.WriteProblem(time.GetUtcNow()) is { } unwritable)
            return $"the history database cannot be written: {unwritable}";
        foreach (var (name, service) in options.Value.Services.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            if (history.Running(name).FirstOrDefault(d => d.StartedAt < ProcessStarted) is { } left)
                return $"crash recovery has not finished for service '{name}' (deploy {left.Id})";
            if (WriteProblem(service.Root) is { } problem)
                return $"service '{name}': Root {service.Root} is not writable: {problem}";
        }
        return null;
    }

    /// <summary>Creates and deletes a file in the directory (or, before the first deploy made it, in the nearest existing parent).</summary>
    private static string? WriteProblem(string root)
    {
        var directory = Path.GetFullPath(root);
        while (!Directory.Exists(directory) && Path.GetDirectoryName(directory) is { } parent) directory = parent;
        // A name of its own per call: two monitors asking at once must not trip over each other's file.
        var probe = Path.Combine(directory, $".filmtrip-hook-readyz-{Guid.NewGuid():n}");
        try
        {
            using (new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }
}
