using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Deploys;

/// <summary>A build that prints 200 MB, with and without newlines, fills neither the disk nor the daemon's memory (issue #11).</summary>
public sealed partial class OutputBoundsTests : IAsyncLifetime
{
    private const long DefaultCap = 10L << 20;
    private const long PeakRssLimit = 300L << 20;

    // 200 MiB on one line (no newline until the end), then 200 MiB of 100-byte lines ending with a known last line.
    private const string OneLongLine =
        "const b = Buffer.alloc(1 << 20, 'x'); for (let i = 0; i < 200; i++) process.stdout.write(b); process.stdout.write('\\nend of the long line\\n');";
    private const string ManyLines =
        "const b = Buffer.from(('y'.repeat(99) + '\\n').repeat(10486)); for (let i = 0; i < 200; i++) process.stdout.write(b); process.stdout.write('LAST LINE of the loud build\\n');";

    private StaticWorld _world = null!;

    public async Task InitializeAsync() => _world = await StaticWorld.StartAsync(host: DaemonHost.Process, configure: c =>
        c["Hook"]!["Services"]!["web"]!["Build"] = new JsonArray(new JsonArray("node", "-e", OneLongLine), new JsonArray("node", "-e", ManyLines)));

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_build_printing_400_MB_leaves_a_capped_log_with_its_last_lines_and_a_small_daemon()
    {
        var id = (await _world.PushAsync(_world.Repo.Head()))["web"];

        var deploy = await _world.Daemon.WaitForDeployAsync(id, TimeSpan.FromMinutes(5));
        var peak = PeakRss(_world.Daemon.Pid);

        DeployAssert.State("succeeded", deploy);
        var path = Path.Combine(_world.DataDirectory, "deploys", id + ".log");
        var size = new FileInfo(path).Length;
        Assert.True(size <= DefaultCap + 4096, $"the log is {size:N0} bytes, over its cap of {DefaultCap:N0}");
        var lines = File.ReadAllLines(path);
        var cut = Assert.Single(lines, l => CutLine().IsMatch(l));
        Assert.True(long.Parse(CutLine().Match(cut).Groups[1].Value.Replace(",", "")) > 200L << 20, cut);
        Assert.Contains(lines, l => l.EndsWith("[... 209,711,104 bytes of this line cut]", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.True(l.Length < 4096 + 100, $"a line of {l.Length} characters"));
        var after = lines.SkipWhile(l => l != cut).ToList();
        Assert.Contains(after, l => l.EndsWith(" LAST LINE of the loud build", StringComparison.Ordinal));
        Assert.EndsWith($"deploy {id} finished: succeeded", after[^1]);
        Assert.Contains(deploy["logTail"]!.AsArray(), l => l!.GetValue<string>().EndsWith("LAST LINE of the loud build"));
        var full = await (await _world.Daemon.GetAsync($"/deploys/{id}?log=full")).Content.ReadAsByteArrayAsync();
        Assert.Equal(await File.ReadAllBytesAsync(path), full);
        Assert.True(peak < PeakRssLimit, $"the daemon's peak RSS was {peak >> 20} MiB");
    }

    /// <summary>VmHWM: the most resident memory the process ever had.</summary>
    private static long PeakRss(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;

    [GeneratedRegex(@"^\.\.\. ([\d,]+) bytes \(([\d,]+) lines\) cut \.\.\.$")]
    private static partial Regex CutLine();
}
