using System.Text;

namespace FilmTrip.Hook.Deploys;

/// <summary>
/// Reads a deploy log from its end, so a reader's cost is bounded by what it returns, not by the file's size
/// (logs written before the cap existed can be gigabytes; a status poll must not read them whole). See issue #11.
/// </summary>
public static class DeployLogReader
{
    /// <summary>At most this much of the file's end is read for a tail: 200 lines of 4 KiB fit.</summary>
    private const int MaxTailBytes = 1 << 20;

    /// <summary>The last <paramref name="count"/> lines of a log file (empty when it does not exist).</summary>
    public static IReadOnlyList<string> Tail(string path, int count)
    {
        if (!File.Exists(path)) return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var end = stream.Length;
        var floor = Math.Max(0, end - MaxTailBytes);
        var from = StartOfLastLines(stream, floor, end, count);
        var bytes = new byte[end - from];
        stream.Position = from;
        stream.ReadExactly(bytes);
        var lines = Encoding.UTF8.GetString(bytes).Split('\n');
        // A read that stopped at the floor starts in the middle of a line: drop that piece.
        var skip = from == floor && floor > 0 ? 1 : 0;
        var take = lines.Length - skip - (lines[^1].Length == 0 ? 1 : 0);
        return lines.Skip(skip).Take(take).TakeLast(count).ToList();
    }

    /// <summary>
    /// The file from the first whole line of its last <paramref name="maxBytes"/> bytes: all of a log written under the
    /// current cap, the end of an older, larger one.
    /// </summary>
    public static Stream? OpenEnd(string path, long maxBytes)
    {
        if (!File.Exists(path)) return null;
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (stream.Length <= maxBytes) return stream;
        stream.Position = stream.Length - maxBytes;
        int b;
        while ((b = stream.ReadByte()) >= 0 && b != '\n') { }
        return stream;
    }

    /// <summary>Where the last <paramref name="count"/> lines before <paramref name="end"/> start, scanning back no further than <paramref name="floor"/>.</summary>
    private static long StartOfLastLines(FileStream stream, long floor, long end, int count)
    {
        var block = new byte[64 * 1024];
        var position = end;
        var newlines = 0;
        while (position > floor)
        {
            var size = (int)Math.Min(block.Length, position - floor);
            position -= size;
            stream.Position = position;
            stream.ReadExactly(block, 0, size);
            for (var i = size - 1; i >= 0; i--)
            {
                // The newline that ends the last line does not start a line.
                if (block[i] != '\n' || position + i == end - 1) continue;
                if (++newlines == count) return position + i + 1;
            }
        }
        return floor;
    }
}
