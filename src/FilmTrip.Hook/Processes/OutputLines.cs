using System.Text;
using CliWrap;

namespace FilmTrip.Hook.Processes;

/// <summary>
/// Splits a child's output into lines while holding at most one line's first <c>maxLineBytes</c> in memory:
/// a build printing 200 MB without a newline costs a few KiB, not 200 MB (CliWrap's <c>PipeTarget.ToDelegate</c>
/// buffers a whole line). Like <see cref="StreamReader.ReadLine()"/>, "\n", "\r" and "\r\n" all end a line. See issue #11.
/// </summary>
internal static class OutputLines
{
    /// <summary>Output lines are cut at this many bytes.</summary>
    public const int MaxLineBytes = 4096;

    /// <summary>Enough for <see cref="CutMarker"/>.</summary>
    public const int MarkerRoom = 64;

    public static string CutMarker(long cut, string unit) => $" [... {cut:N0} {unit} of this line cut]";

    public static PipeTarget To(Action<string> output, int maxLineBytes) =>
        PipeTarget.Create((stream, cancellationToken) => SplitAsync(stream, output, maxLineBytes, cancellationToken));

    internal static async Task SplitAsync(Stream stream, Action<string> output, int maxLineBytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var line = new byte[Math.Min(maxLineBytes, 4096)];
        var length = 0;
        long cut = 0;
        var afterCarriageReturn = false;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var rest = buffer.AsSpan(0, read);
            if (afterCarriageReturn && rest[0] == '\n') rest = rest[1..];
            afterCarriageReturn = false;
            while (true)
            {
                var end = rest.IndexOfAny((byte)'\n', (byte)'\r');
                var piece = end < 0 ? rest : rest[..end];
                var keep = Math.Min(piece.Length, maxLineBytes - length);
                if (length + keep > line.Length) Array.Resize(ref line, Math.Min(maxLineBytes, Math.Max(line.Length * 2, length + keep)));
                piece[..keep].CopyTo(line.AsSpan(length));
                length += keep;
                cut += piece.Length - keep;
                if (end < 0) break;

                output(Text(line, length, cut));
                length = 0;
                cut = 0;
                var carriageReturn = rest[end] == '\r';
                rest = rest[(end + 1)..];
                if (carriageReturn && rest.IsEmpty) afterCarriageReturn = true;
                else if (carriageReturn && rest[0] == '\n') rest = rest[1..];
            }
        }
        if (length > 0 || cut > 0) output(Text(line, length, cut));
    }

    private static string Text(byte[] line, int length, long cut) =>
        cut == 0 ? Encoding.UTF8.GetString(line, 0, length) : Encoding.UTF8.GetString(line, 0, length) + CutMarker(cut, "bytes");
}
