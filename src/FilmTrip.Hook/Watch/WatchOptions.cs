using System.Runtime.InteropServices;

namespace FilmTrip.Hook.Watch;

/// <summary>
/// A service's <c>Watch</c> (issue 15): after a deploy switches, its real traffic is read from nginx's JSON access log
/// for <see cref="For"/>, and the release that was live before comes back by itself when the new one's 5xx rate climbs.
/// </summary>
public sealed class WatchOptions
{
    /// <summary>How long after the switch the new release is watched.</summary>
    public TimeSpan For { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>nginx's access log for the service's server, written with README's <c>log_format</c> (JSON lines).</summary>
    public string AccessLog { get; set; } = "";
    /// <summary>Trips when the share of 5xx answers exceeds this (0 &lt; rate ≤ 1)...</summary>
    public double MaxErrorRate { get; set; } = 0.05;
    /// <summary>...over at least this many requests that reached the new release.</summary>
    public int MinRequests { get; set; } = 50;
    /// <summary>When set, also trips when the successful answers' p95 exceeds this many times the previous release's.</summary>
    public double? MaxP95Ratio { get; set; }
}

/// <summary>Start-up checks of a service's <c>Watch</c>, one line per problem, each naming its key.</summary>
internal static partial class WatchValidator
{
    private const int R_OK = 4, X_OK = 1;

    public static IEnumerable<string> Problems(string serviceKey, WatchOptions? watch)
    {
        if (watch is null) yield break;
        var key = serviceKey + ":Watch";
        if (watch.For <= TimeSpan.Zero)
            yield return $"{key}:For: must be positive, like 00:05:00";
        if (!(watch.MaxErrorRate > 0 && watch.MaxErrorRate <= 1))
            yield return $"{key}:MaxErrorRate: is {watch.MaxErrorRate}, must be more than 0 and at most 1 (0.05 is 5%)";
        if (watch.MinRequests < 1)
            yield return $"{key}:MinRequests: is {watch.MinRequests}, must be at least 1";
        if (watch.MaxP95Ratio is { } ratio && !(ratio > 0))
            yield return $"{key}:MaxP95Ratio: is {ratio}, must be more than 0 (2 trips at twice the previous release's p95)";
        if (AccessLogProblem(watch.AccessLog) is { } problem)
            yield return $"{key}:AccessLog: {problem}";
    }

    /// <summary>The log itself may not exist yet (nginx creates it on its first request); its directory must, readable by the daemon.</summary>
    private static string? AccessLogProblem(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) return "is required (nginx's JSON access log for the service's server)";
        if (!Path.IsPathFullyQualified(path)) return $"'{path}' must be an absolute path";
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory)) return $"the directory '{directory}' does not exist";
        if (Access(directory, R_OK | X_OK) != 0)
            return $"the directory '{directory}' cannot be read by this user: {Marshal.GetLastPInvokeErrorMessage()}";
        if (File.Exists(path) && Access(path, R_OK) != 0)
            return $"'{path}' cannot be read by this user: {Marshal.GetLastPInvokeErrorMessage()}";
        return null;
    }

    // access(2), not a mode-bit guess: it answers for this process's user, groups and capabilities.
    [LibraryImport("libc", EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Access(string path, int mode);
}
