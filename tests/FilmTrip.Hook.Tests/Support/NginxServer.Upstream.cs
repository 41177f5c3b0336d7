using System.Globalization;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>
/// What the BlueGreen strategy (issue 10) needs of nginx: the upstream file it rewrites, the argv it runs to reload,
/// and a way to see whether the master applied a reload (its worker processes are replaced) or kept the old config.
/// </summary>
public sealed partial class NginxServer
{
    public const string UpstreamFileName = "filmtrip-backend.upstream.conf";

    /// <summary>The file the upstream block includes; null for the seed's template.</summary>
    public string? UpstreamFile { get; }

    /// <summary>The one line the daemon writes into the upstream file for the live color.</summary>
    public static string UpstreamLine(int port) =>
        string.Create(CultureInfo.InvariantCulture, $"server 127.0.0.1:{port} max_fails=3 fail_timeout=30s;");

    public string UpstreamContent => File.ReadAllText(UpstreamFile ?? throw new InvalidOperationException("this nginx has no upstream file"));

    /// <summary>The service's BlueGreen:NginxReload for this instance.</summary>
    public IReadOnlyList<string> ReloadCommand => [FindExecutable(), "-p", Prefix, "-c", ConfPath, "-s", "reload"];

    /// <summary>Runs <see cref="ReloadCommand"/>, as the daemon would.</summary>
    public Task<ProgramResult> ReloadAsync() => Programs.RunAsync(ReloadCommand[0], ReloadCommand.Skip(1));

    /// <summary>The master's worker processes now (from /proc): a reload that took replaces them all.</summary>
    public IReadOnlySet<int> WorkerPids()
    {
        var workers = new HashSet<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; } // the process ended while we looked
            catch (UnauthorizedAccessException) { continue; }
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (int.Parse(fields[1], CultureInfo.InvariantCulture) == Pid) workers.Add(pid);
        }
        return workers;
    }

    /// <summary>Waits until none of <paramref name="before"/> is among the workers any more and at least one worker runs.</summary>
    public Task WaitForNewWorkersAsync(IReadOnlySet<int> before) =>
        Poll.UntilAsync(() => WorkerPids() is { Count: > 0 } now && !now.Overlaps(before), TimeSpan.FromSeconds(15), "nginx's workers to be replaced");

    /// <summary>
    /// Adds a server listening on <paramref name="port"/> to the running config. With the port held by someone else,
    /// <c>nginx -s reload</c> still exits 0 (it only parses the config and signals the master), but the master cannot
    /// bind, logs an emerg and keeps its old workers and the old config: nginx "keeps the old upstream".
    /// </summary>
    public void AddServerListeningOn(int port)
    {
        var conf = File.ReadAllText(ConfPath);
        var end = conf.LastIndexOf('}'); // closes the http block
        File.WriteAllText(ConfPath, conf[..end] +
            string.Create(CultureInfo.InvariantCulture, $"    server {{ listen 127.0.0.1:{port}; return 204; }}\n") + conf[end..]);
    }
}
