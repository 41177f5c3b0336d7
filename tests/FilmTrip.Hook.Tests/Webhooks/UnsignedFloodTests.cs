using System.Net;
using FilmTrip.Hook.Tests.Support;
using Xunit.Abstractions;
using Payloads = FilmTrip.Hook.Tests.Support.Webhooks;

namespace FilmTrip.Hook.Tests.Webhooks;

/// <summary>
/// Bodies nobody has authenticated cost the daemon bounded memory however many arrive at once (issue #11 §8).
/// Each test has its own daemon; the memory test's is a process of its own, since VmHWM is the peak over a process's
/// whole life.
/// </summary>
public sealed class UnsignedFloodTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int MaxBody = 25 * 1024 * 1024;
    private const long PeakLimit = 200L * 1024 * 1024;
    private readonly (HookWorld World, string Commit) _setup = WebhookDaemonFixture.NewWorld("flood");
    private Daemon _daemon => _setup.World.Daemon;
    private string _commit => _setup.Commit;

    public Task InitializeAsync() => _setup.World.StartAsync();

    public async Task DisposeAsync() => await _setup.World.DisposeAsync();

    [Fact]
    public async Task Forty_concurrent_forged_25_MiB_deliveries_are_refused_and_peak_RSS_stays_under_200_MiB()
    {
        await using var world = WebhookDaemonFixture.NewWorld("flood-rss", DaemonHost.Process).World;
        await world.StartAsync();
        var daemon = world.Daemon;
        var before = PeakRss(daemon.Pid);
        var forged = "sha256=" + new string('0', 64); // well-formed, so the daemon has to read the whole body to refuse it
        var deliveries = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => RawDelivery.StartAsync(daemon.Port, MaxBody, forged)));
        try
        {
            var uploads = deliveries.Select(d => d.FinishAsync()).ToList();
            var answers = await Task.WhenAll(deliveries.Select(d => d.ReadAnswerAsync())).WaitAsync(TimeSpan.FromMinutes(2));
            await Task.WhenAll(uploads).WaitAsync(TimeSpan.FromMinutes(2));
            var peak = PeakRss(daemon.Pid);

            var statuses = answers.Select(RawDelivery.Status).ToList();
            output.WriteLine($"VmHWM before {before / 1048576} MiB, after 40 forged deliveries {peak / 1048576} MiB; " +
                string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{g.Count()} x {g.Key}")));
            Assert.All(statuses, s => Assert.Contains(s, new[] { 401, 503 }));
            Assert.All(answers.Where(a => RawDelivery.Status(a) == 503), a => Assert.Contains("\r\nRetry-After: 5\r\n", a, StringComparison.OrdinalIgnoreCase));
            Assert.True(peak < PeakLimit, $"the daemon's peak RSS reached {peak / 1048576} MiB (limit {PeakLimit / 1048576} MiB)");
        }
        finally
        {
            foreach (var delivery in deliveries) delivery.Dispose();
        }
    }

    [Fact]
    public async Task Signed_25_MiB_push_is_accepted_after_a_flood_of_forged_ones()
    {
        var flood = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => RawDelivery.StartAsync(_daemon.Port, MaxBody, "sha256=" + new string('f', 64))));
        await Task.WhenAll(flood.Select(d => d.FinishAsync()));
        await Task.WhenAll(flood.Select(d => d.ReadAnswerAsync())).WaitAsync(TimeSpan.FromMinutes(2));
        foreach (var delivery in flood) delivery.Dispose();
        var body = new byte[MaxBody];
        Array.Fill(body, (byte)' ');
        Payloads.PushPayload(WebhookDaemonFixture.SiteRepository, _commit).CopyTo(body, 0);

        var response = await _daemon.SendAsync(body);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var deploy = Assert.Single((await response.JsonAsync())["deploys"]!.AsArray())!;
        Assert.Equal(_commit, deploy["commit"]!.GetValue<string>());
        var bodies = Path.Combine(_setup.World.DataDirectory, "webhook-bodies");
        Assert.Empty(Directory.Exists(bodies) ? Directory.GetFiles(bodies) : []); // every spooled body is gone
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sha1=757107ea0eb2509fc211221cce984b8a37570b6d")]
    [InlineData("sha256=not-64-hex-digits")]
    public async Task Delivery_whose_signature_header_cannot_pass_is_refused_before_its_body_is_sent(string? signature)
    {
        using var delivery = await RawDelivery.StartAsync(_daemon.Port, MaxBody, signature); // head and 64 KiB, then nothing

        var answer = await delivery.ReadAnswerAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(401, RawDelivery.Status(answer));
    }

    /// <summary>VmHWM: the process's peak resident set, as the kernel counts it.</summary>
    private static long PeakRss(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0]) * 1024;
    }
}
