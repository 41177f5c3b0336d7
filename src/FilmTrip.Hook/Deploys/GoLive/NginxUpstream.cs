using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Processes;

namespace FilmTrip.Hook.Deploys.GoLive;

/// <summary>
/// The nginx side of BlueGreen: the upstream file (one <c>server</c> line, written atomically), the reload command,
/// and the confirmation that nginx applied it. <c>nginx -s reload</c> refuses a syntax error, but what the master
/// meets while applying a configuration (a port it cannot bind, say) only reaches its error log while the old
/// configuration keeps serving: the switch counts only once the master has started new workers.
/// </summary>
internal sealed partial class NginxUpstream(ICommandRunner commands, TimeProvider time)
{
    private static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(5);

    public static string Line(int port) => $"server 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)} max_fails=3 fail_timeout=30s;\n";

    /// <summary>The port the upstream file sends traffic to, or null when there is no file or no server line.</summary>
    public static int? LivePort(BlueGreenOptions bg)
    {
        if (!File.Exists(bg.UpstreamFile)) return null;
        var match = ServerLine().Match(File.ReadAllText(bg.UpstreamFile));
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>
    /// Points the upstream at <paramref name="port"/> and has nginx apply it. On any failure the file is put back
    /// (and nginx asked again, so it serves exactly what the file says) and a <see cref="TrafficNotMovedException"/> says why.
    /// </summary>
    public async Task SwitchAsync(BlueGreenOptions bg, int port, IReadOnlyDictionary<string, string> environment, Action<string> log, CancellationToken cancellationToken)
    {
        var before = File.Exists(bg.UpstreamFile) ? await File.ReadAllTextAsync(bg.UpstreamFile, cancellationToken) : null;
        var master = MasterPid(bg);
        var workers = master is { } m ? ChildrenOf(m) : [];
        Write(bg.UpstreamFile, Line(port));
        log($"{bg.UpstreamFile}: {Line(port).Trim()}");

        var (exitCode, output) = await ReloadAsync(bg, environment, log, cancellationToken);
        string? problem = exitCode != 0
            ? $"'{string.Join(' ', bg.NginxReloadCommand)}' exited with {exitCode}: {output}"
            : master is null ? $"cannot confirm the switch: no nginx master pid in {bg.NginxPidFile}"
            : !await NewWorkersAsync(master.Value, workers, cancellationToken)
                ? $"nginx did not apply the new upstream within {ConfirmTimeout.TotalSeconds:0}s of '{string.Join(' ', bg.NginxReloadCommand)}' " +
                  "(its master started no new workers: see nginx's error log); the old configuration keeps serving"
                : null;
        if (problem is null) return;

        if (before is null) File.Delete(bg.UpstreamFile); else Write(bg.UpstreamFile, before);
        log($"{bg.UpstreamFile}: put back ({problem})");
        if (exitCode == 0) await ReloadAsync(bg, environment, log, CancellationToken.None);
        throw new TrafficNotMovedException(problem);
    }

    private async Task<(int ExitCode, string Output)> ReloadAsync(BlueGreenOptions bg, IReadOnlyDictionary<string, string> environment, Action<string> log, CancellationToken cancellationToken)
    {
        var output = new StringBuilder();
        var spec = new CommandSpec(bg.NginxReloadCommand[0], bg.NginxReloadCommand.Skip(1).ToList(), "/", environment, ReloadTimeout);
        var result = await commands.RunAsync(spec, line =>
        {
            log(line);
            if (output.Length < 2000) output.Append(line).Append(' ');
        }, cancellationToken);
        return (result.Succeeded ? 0 : result.TimedOut ? -1 : result.ExitCode, output.ToString().Trim());
    }

    /// <summary>
    /// The master applied the configuration once it has new workers and every old one has stopped accepting: nginx
    /// retitles a worker "worker process is shutting down" when it closes its listening sockets. Until then an old
    /// worker may still take a new connection and send it to the old upstream.
    /// </summary>
    private async Task<bool> NewWorkersAsync(int master, IReadOnlySet<int> before, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + ConfirmTimeout;
        while (time.GetUtcNow() < deadline)
        {
            var now = ChildrenOf(master);
            if (now.Any(pid => !before.Contains(pid)) && now.Where(before.Contains).All(IsShuttingDown)) return true;
            await Task.Delay(TimeSpan.FromMilliseconds(20), time, cancellationToken);
        }
        return false;
    }

    private static bool IsShuttingDown(int pid)
    {
        try
        {
            var title = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline");
            // Cache manager and loader processes of the old generation exit instead; treat a vanished one as done.
            return title.Contains("shutting down", StringComparison.Ordinal) || !title.Contains("worker process", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true; // exited
        }
    }

    private static int? MasterPid(BlueGreenOptions bg)
    {
        try
        {
            return int.TryParse(File.ReadAllText(bg.NginxPidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Native.IsProcessAlive(pid)
                ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Processes whose parent is <paramref name="parent"/>, from /proc/&lt;pid&gt;/stat.</summary>
    private static HashSet<int> ChildrenOf(int parent)
    {
        var children = new HashSet<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields.Length > 1 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ppid) && ppid == parent)
                    children.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }
        return children;
    }

    private static void Write(string path, string content)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temporary, content);
        File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Native.Rename(temporary, path);
    }

    [GeneratedRegex(@"server\s+127\.0\.0\.1:([0-9]{1,5})\b")]
    private static partial Regex ServerLine();
}

/// <summary>nginx did not take the change and serves exactly what it served before.</summary>
internal sealed class TrafficNotMovedException(string message) : Exception(message);
