namespace FilmTrip.Hook.Watch;

/// <summary>
/// Reads nginx's access log incrementally from an offset, never the whole file, in bounded memory (one 64 KiB read
/// buffer and a 16 KiB partial line per open file). Survives logrotate both ways:
/// <list type="bullet">
/// <item>rename (nginx keeps writing the renamed file until it reopens its logs): the path's inode changes; the old
/// file is read to its end, and again on each later read until a read finds nothing new, while the new file is read
/// from its start;</item>
/// <item>copytruncate: the file shrinks below the offset; reading starts again at 0 (lines written between the last
/// read and the copy are in the rotated copy and are not seen).</item>
/// </list>
/// A line that is not an access-log JSON object is skipped and counted in <see cref="Malformed"/>.
/// </summary>
internal sealed class AccessLogTailer : IDisposable
{
    private const int ChunkBytes = 64 * 1024;
    private readonly string _path;
    private readonly byte[] _chunk = new byte[ChunkBytes];
    private Source? _current;
    private Source? _rotated;

    private AccessLogTailer(string path, Source? current) => (_path, _current) = (path, current);

    public long Lines { get; private set; }
    public long Malformed { get; private set; }
    public int Rotations { get; private set; }
    public int Truncations { get; private set; }
    /// <summary>Where the next read of the current file starts.</summary>
    public long Offset => _current?.Offset ?? 0;

    /// <summary>Opens the log at its end: only what nginx writes from now on is read. A missing log is read from its start once it appears.</summary>
    public static AccessLogTailer AtEnd(string path)
    {
        var source = Source.TryOpen(path);
        if (source is not null) source.Offset = source.Stream.Length;
        return new AccessLogTailer(path, source);
    }

    /// <summary>Moves the start back by up to <paramref name="bytes"/> (to read what came before, e.g. the previous release's traffic); a partial first line is skipped.</summary>
    public void Rewind(long bytes)
    {
        if (_current is not { } source || bytes <= 0) return;
        source.Offset = Math.Max(0, source.Offset - bytes);
        if (source.Offset > 0) source.Lines.StartMidLine(); else source.Lines.Reset();
    }

    /// <summary>Reads what was written since the last call, up to about <paramref name="maxBytes"/>; returns the bytes read.</summary>
    public long Read(Action<AccessLogEntry> entry, long maxBytes)
    {
        var read = 0L;
        if (_rotated is { } rotated)
        {
            var more = Drain(rotated, entry, maxBytes);
            read += more;
            if (more == 0) { rotated.Dispose(); _rotated = null; }
        }
        if (_current is null && (_current = Source.TryOpen(_path)) is null) return read;

        if (_current.Stream.Length < _current.Offset)
        {
            Truncations++;
            _current.Offset = 0;
            _current.Lines.Reset();
        }
        read += Drain(_current, entry, maxBytes - read);

        if (read < maxBytes && FileIdentity.OfPath(_path) is var now && now != _current.Identity)
        {
            // Renamed away (or deleted): what nginx still writes there is read by later calls until it stops.
            Rotations++;
            _rotated?.Dispose();
            _rotated = _current;
            _current = now is null ? null : Source.TryOpen(_path);
            if (_current is not null) read += Drain(_current, entry, maxBytes - read);
        }
        return read;
    }

    private long Drain(Source source, Action<AccessLogEntry> entry, long maxBytes)
    {
        var total = 0L;
        source.Stream.Position = source.Offset;
        while (total < maxBytes)
        {
            var n = source.Stream.Read(_chunk, 0, (int)Math.Min(_chunk.Length, Math.Max(maxBytes - total, 1)));
            if (n == 0) break;
            total += n;
            source.Offset += n;
            var tooLong = source.Lines.Feed(_chunk.AsSpan(0, n), line =>
            {
                if (line.IsEmpty) return;
                Lines++;
                if (AccessLogEntry.TryParse(line, out var parsed)) entry(parsed);
                else Malformed++;
            });
            Malformed += tooLong; // not `Malformed += Feed(...)`: that reads Malformed before the lines above count
        }
        return total;
    }

    public void Dispose()
    {
        _current?.Dispose();
        _rotated?.Dispose();
    }

    /// <summary>One open file of the log: its stream (kept open across renames), identity, offset and partial line.</summary>
    private sealed class Source(FileStream stream) : IDisposable
    {
        public FileStream Stream { get; } = stream;
        public FileIdentity Identity { get; } = FileIdentity.OfHandle(stream.SafeFileHandle);
        public LineSplitter Lines { get; } = new();
        public long Offset { get; set; }

        public static Source? TryOpen(string path)
        {
            try
            {
                // bufferSize 0: our own 64 KiB chunk is the only buffer; Delete lets logrotate rename it while open.
                return new Source(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0));
            }
            catch (FileNotFoundException)
            {
                return null;
            }
        }

        public void Dispose() => Stream.Dispose();
    }
}
