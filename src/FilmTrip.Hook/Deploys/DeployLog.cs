using System.Globalization;
using System.Text;
using FilmTrip.Hook.Processes;

namespace FilmTrip.Hook.Deploys;

/// <summary>
/// A deploy's own log file, <c>DataDirectory/deploys/&lt;deployId&gt;.log</c>: one timestamped line per event or output line.
/// The file never grows past its cap (issue #11): it is written as it goes up to the cap minus a tail budget; past that,
/// lines wait in a ring of at most <see cref="TailBudget"/> bytes and the oldest fall out, and at the end the file gets
/// one line saying how much was cut, then the last lines. The file only ever grows, so a follower's offsets stay valid.
/// </summary>
public sealed class DeployLog : IDisposable
{
    /// <summary>The smallest cap the configuration accepts: room for a head, a tail and a few cut lines.</summary>
    public const long MinimumCap = 64 * 1024;

    /// <summary>Longer lines keep their first <see cref="OutputLines.MaxLineBytes"/> characters and say how much was cut.</summary>
    private const int MaxLineLength = OutputLines.MaxLineBytes + OutputLines.MarkerRoom;

    private readonly StreamWriter _writer;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly long _cap;
    private readonly long _headLimit;
    private readonly Queue<(string Line, int Bytes)> _tail = new();
    private long _written;
    private long _tailBytes;
    private long _cutBytes;
    private long _cutLines;
    private bool _holding;

    public DeployLog(string path, TimeProvider time, long maxBytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        _writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true };
        _time = time;
        _written = stream.Length;
        _cap = maxBytes;
        TailBudget = (int)Math.Min(256 * 1024, maxBytes / 4);
        // Two notice lines (held back, cut) are written outside the head and the tail: keep room for them.
        _headLimit = maxBytes - TailBudget - 2 * MaxLineLength;
    }

    public static string PathFor(string dataDirectory, string deployId) => Path.Combine(dataDirectory, "deploys", deployId + ".log");

    /// <summary>How many bytes of last lines are kept once the head is full.</summary>
    public int TailBudget { get; }

    public void Write(string line)
    {
        if (line.Length > MaxLineLength)
            line = line[..OutputLines.MaxLineBytes] + OutputLines.CutMarker(line.Length - OutputLines.MaxLineBytes, "characters");
        var stamp = _time.GetUtcNow().UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
        var text = $"{stamp} {line}";
        var bytes = Encoding.UTF8.GetByteCount(text) + 1;
        lock (_gate)
        {
            if (!_holding && _written + bytes <= _headLimit)
            {
                _writer.WriteLine(text);
                _written += bytes;
                return;
            }
            if (!_holding)
            {
                _holding = true;
                _writer.WriteLine($"{stamp} [filmtrip-hook] this log reached its cap of {_cap:N0} bytes " +
                    $"(Hook:MaxDeployLogBytes): only its last {TailBudget:N0} bytes are kept, written when the deploy ends");
            }
            _tail.Enqueue((text, bytes));
            _tailBytes += bytes;
            while (_tailBytes > TailBudget)
            {
                var (_, dropped) = _tail.Dequeue();
                _tailBytes -= dropped;
                _cutBytes += dropped;
                _cutLines++;
            }
        }
    }

    /// <summary>Writes what is held back: how much was cut, then the last lines. Later lines are held back again.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            if (_cutLines > 0)
                _writer.WriteLine($"... {_cutBytes:N0} bytes ({_cutLines:N0} lines) cut ...");
            foreach (var (line, _) in _tail) _writer.WriteLine(line);
            _tail.Clear();
            _tailBytes = _cutBytes = _cutLines = 0;
        }
    }

    public void Dispose()
    {
        Flush();
        lock (_gate) _writer.Dispose();
    }
}
