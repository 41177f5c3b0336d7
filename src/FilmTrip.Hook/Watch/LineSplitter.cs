namespace FilmTrip.Hook.Watch;

/// <summary>
/// Cuts a byte stream into lines with a bounded buffer: a line longer than <see cref="MaxLineBytes"/> is dropped
/// (counted as malformed) up to its newline instead of growing memory, whatever nginx writes.
/// </summary>
internal sealed class LineSplitter
{
    public const int MaxLineBytes = 16 * 1024;
    private readonly byte[] _partial = new byte[MaxLineBytes];
    private int _length;
    private bool _dropping;

    /// <summary>Drop what came before the first newline (a read that starts mid-line).</summary>
    public void StartMidLine()
    {
        _length = 0;
        _dropping = true;
    }

    public void Reset()
    {
        _length = 0;
        _dropping = false;
    }

    /// <summary>Calls <paramref name="line"/> for each complete line in <paramref name="data"/> (with what earlier calls left); returns the lines dropped as too long.</summary>
    public int Feed(ReadOnlySpan<byte> data, LineHandler line)
    {
        var dropped = 0;
        while (data.Length > 0)
        {
            var newline = data.IndexOf((byte)'\n');
            var piece = newline < 0 ? data : data[..newline];
            if (_dropping) { }
            else if (_length + piece.Length > MaxLineBytes)
            {
                _dropping = true;
                _length = 0;
                dropped++;
            }
            else if (newline >= 0 && _length == 0)
            {
                line(piece); // the usual case: a whole line inside one read, never copied
            }
            else
            {
                piece.CopyTo(_partial.AsSpan(_length));
                _length += piece.Length;
                if (newline >= 0) line(_partial.AsSpan(0, _length));
            }
            if (newline < 0) break;
            (_length, _dropping) = (0, false);
            data = data[(newline + 1)..];
        }
        return dropped;
    }
}

internal delegate void LineHandler(ReadOnlySpan<byte> line);
