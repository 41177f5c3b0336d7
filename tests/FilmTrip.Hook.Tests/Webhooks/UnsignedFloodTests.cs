using System.Net;
using FilmTrip.Hook.Tests.Support;
using Xunit.Abstractions;
using Payloads = FilmTrip.Hook.Tests.Support.Webhooks;

namespace FilmTrip.Hook.Tests.Webhooks;

/// <summary>
/// Bodies nobody has authenticated cost the daemon bounded memory however many arrive at once (issue #11 §8).
/// Each test has its own daemon: VmHWM is the peak over the process's whole life.
/// </summary>
public sealed class UnsignedFloodTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int MaxBody = 25 * 1024 * 1024;
    private const long PeakLimit = 200L * 1024 * 1024;
    private readonly TempDirectory _temp = new("flood");
    private GitRepo _repo = null!;
    private string _commit = "";
    private Daemon _daemon = null!;

    public async Task InitializeAsync()
    {
        _repo = new GitRepo(_temp.Path);
        _repo.Write("index.html", "hello");
        _commit = _repo.CommitAndPush("initial");
        _daemon = await Daemon.StartAsync(
            Daemon.Config(_temp.Combine("data"), WebhookDaemonFixture.Services(_temp.Path, _repo.Bare)), _temp.Combine("hook.json"));
    }

    public async Task DisposeAsync()
    {
        if (_daemon is not null) await _daemon.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task Forty_concurrent_forged_25_MiB_deliveries_are_refused_and_peak_RSS_stays_under_200_MiB()
    {
        var before = PeakRss(_daemon.Pid);
        var body = new byte[MaxBody]; // one array shared by every sender: the test's own memory stays at one copy
        Array.Fill(body, (byte)' ');
        var forged = "sha256=" + new string('0', 64); // well-formed, so the daemon has to read the whole body to refuse it

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => _daemon.SendAsync(body, signature: forged)));
        var peak = PeakRss(_daemon.Pid);

        output.WriteLine($"VmHWM before {before / 1048576} MiB, after 40 forged deliveries {peak / 1048576} MiB; " +
            string.Join(", ", responses.GroupBy(r => (int)r.StatusCode).Select(g => $"{g.Count()} x {g.Key}")));
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.ServiceUnavailable }));
        Assert.All(responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable), r => Assert.NotNull(r.Headers.RetryAfter));
        Assert.True(peak < PeakLimit, $"the daemon's peak RSS reached {peak / 1048576} MiB (limit {PeakLimit / 1048576} MiB)");
    }

    [Fact]
    public async Task Signed_25_MiB_push_is_accepted_after_a_flood_of_forged_ones()
    {
        var forgedBody = new byte[MaxBody];
        Array.Fill(forgedBody, (byte)' ');
        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _daemon.SendAsync(forgedBody, signature: "sha256=" + new string('f', 64))));
        var body = new byte[MaxBody];
        Array.Fill(body, (byte)' ');
        Payloads.PushPayload(WebhookDaemonFixture.SiteRepository, _commit).CopyTo(body, 0);

        var response = await _daemon.SendAsync(body);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var deploy = Assert.Single((await response.JsonAsync())["deploys"]!.AsArray())!;
        Assert.Equal(_commit, deploy["commit"]!.GetValue<string>());
        var bodies = _temp.Combine("data", "webhook-bodies");
        Assert.Empty(Directory.Exists(bodies) ? Directory.GetFiles(bodies) : []); // every spooled body is gone
    }

    /// <summary>VmHWM: the process's peak resident set, as the kernel counts it.</summary>
    private static long PeakRss(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0]) * 1024;
    }
}
