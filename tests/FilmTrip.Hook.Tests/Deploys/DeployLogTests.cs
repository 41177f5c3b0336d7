using FilmTrip.Hook.Deploys;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Deploys;

/// <summary>The capped deploy log and its readers, in process (issue #11).</summary>
[Trait("Tier", "InProcess")]
public sealed class DeployLogTests : IDisposable
{
    private readonly TempDirectory _temp = new("deploylog");
    private string LogPath => _temp.Combine("deploys", "d.log");

    public void Dispose() => _temp.Dispose();

    private void WriteLines(long cap, int count)
    {
        using var log = new DeployLog(LogPath, TimeProvider.System, cap);
        for (var i = 0; i < count; i++) log.Write($"line {i:D6} " + new string('z', 80));
    }

    [Fact]
    public void Past_its_cap_the_log_keeps_its_head_then_says_what_was_cut_then_keeps_the_last_lines()
    {
        WriteLines(DeployLog.MinimumCap, 100_000);

        var lines = File.ReadAllLines(LogPath);
        Assert.True(new FileInfo(LogPath).Length <= DeployLog.MinimumCap, $"{new FileInfo(LogPath).Length} bytes");
        Assert.Contains("line 000000 ", lines[0]);
        Assert.Contains(lines, l => l.Contains("reached its cap of 65,536 bytes (Hook:MaxDeployLogBytes)"));
        var cut = Assert.Single(lines, l => l.StartsWith("... ", StringComparison.Ordinal) && l.EndsWith(" lines) cut ...", StringComparison.Ordinal));
        Assert.Contains("line 099999 ", lines[^1]);
        Assert.Contains("line 099998 ", lines[^2]);
        Assert.True(Array.IndexOf(lines, cut) < lines.Length - 100);
    }

    [Fact]
    public void Under_its_cap_the_log_is_every_line_and_no_cut()
    {
        WriteLines(DeployLog.MinimumCap, 100);

        var lines = File.ReadAllLines(LogPath);
        Assert.Equal(100, lines.Length);
        Assert.DoesNotContain(lines, l => l.Contains("cut"));
    }

    [Fact]
    public void A_long_line_is_cut_at_4_KiB_and_says_how_much()
    {
        using (var log = new DeployLog(LogPath, TimeProvider.System, DeployLog.MinimumCap))
            log.Write(new string('q', 10_000));

        var line = Assert.Single(File.ReadAllLines(LogPath));
        Assert.EndsWith(new string('q', 4096) + " [... 5,904 characters of this line cut]", line);
    }

    [Fact]
    public void Tail_reads_the_last_lines_from_the_end_of_a_large_file()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(LogPath)!);
        using (var writer = new StreamWriter(LogPath))
        {
            writer.Write(new string('a', 5 << 20)); // one 5 MiB line: more than a tail ever reads
            writer.Write('\n');
            for (var i = 0; i < 500; i++) writer.WriteLine($"line {i}");
        }

        Assert.Equal(Enumerable.Range(300, 200).Select(i => $"line {i}"), DeployLogReader.Tail(LogPath, 200));
        Assert.Equal(["line 499"], DeployLogReader.Tail(LogPath, 1));
        Assert.Empty(DeployLogReader.Tail(_temp.Combine("missing.log"), 200));
    }

    [Fact]
    public void Tail_of_a_file_whose_last_line_is_huge_returns_a_piece_of_it_not_the_whole()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(LogPath)!);
        File.WriteAllText(LogPath, "first\n" + new string('b', 5 << 20) + "\n");

        var tail = DeployLogReader.Tail(LogPath, 200);

        Assert.True(tail.Sum(l => l.Length) <= 1 << 20, $"{tail.Sum(l => l.Length)} characters");
    }
}
