using System.Text;
using FilmTrip.Hook.Processes;

namespace FilmTrip.Hook.Tests.Processes;

/// <summary>The bounded splitter between a child's pipes and the deploy log (issue #11).</summary>
[Trait("Tier", "InProcess")]
public sealed class OutputLinesTests
{
    private static async Task<List<string>> SplitAsync(byte[] output, int maxLineBytes = 16, int chunk = 3)
    {
        var lines = new List<string>();
        await OutputLines.SplitAsync(new ChunkedStream(output, chunk), lines.Add, maxLineBytes, CancellationToken.None);
        return lines;
    }

    [Fact]
    public async Task Newline_carriage_return_and_both_end_a_line_as_ReadLine_does_even_across_reads()
    {
        var lines = await SplitAsync(Encoding.UTF8.GetBytes("one\ntwo\r\nthree\rfour\n\nlast"));

        Assert.Equal(["one", "two", "three", "four", "", "last"], lines);
    }

    [Fact]
    public async Task A_line_longer_than_the_limit_keeps_its_start_and_says_how_much_was_cut()
    {
        var lines = await SplitAsync(Encoding.UTF8.GetBytes(new string('x', 100_000) + "\nnext\n"), maxLineBytes: 16, chunk: 4096);

        Assert.Equal([new string('x', 16) + " [... 99,984 bytes of this line cut]", "next"], lines);
    }

    [Fact]
    public async Task Output_without_any_newline_is_one_cut_line()
    {
        var lines = await SplitAsync(new byte[1 << 20], maxLineBytes: 8, chunk: 65536);

        Assert.Equal([new string('\0', 8) + " [... 1,048,568 bytes of this line cut]"], lines);
    }

    /// <summary>Hands out at most <c>chunk</c> bytes per read, like a pipe.</summary>
    private sealed class ChunkedStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(chunk, buffer.Length)], cancellationToken);
    }
}
