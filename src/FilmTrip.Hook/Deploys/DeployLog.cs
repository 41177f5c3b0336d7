using System.Globalization;

namespace FilmTrip.Hook.Deploys;

/// <summary>A deploy's own log file, <c>DataDirectory/deploys/&lt;deployId&gt;.log</c>: one timestamped line per event or output line.</summary>
public sealed class DeployLog : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    public DeployLog(string path, TimeProvider time)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        _time = time;
    }

    public static string PathFor(string dataDirectory, string deployId) => Path.Combine(dataDirectory, "deploys", deployId + ".log");

    public void Write(string line)
    {
        var stamp = _time.GetUtcNow().UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
        lock (_gate) _writer.WriteLine($"{stamp} {line}");
    }

    /// <summary>The last <paramref name="count"/> lines of a log file (empty when it does not exist).</summary>
    public static IReadOnlyList<string> Tail(string path, int count)
    {
        if (!File.Exists(path)) return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new Queue<string>(count);
        while (reader.ReadLine() is { } line)
        {
            if (lines.Count == count) lines.Dequeue();
            lines.Enqueue(line);
        }
        return lines.ToList();
    }

    public void Dispose()
    {
        lock (_gate) _writer.Dispose();
    }
}
