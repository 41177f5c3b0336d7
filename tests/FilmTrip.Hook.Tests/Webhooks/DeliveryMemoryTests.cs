using System.Net;
using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;
using Payloads = FilmTrip.Hook.Tests.Support.Webhooks;

namespace FilmTrip.Hook.Tests.Webhooks;

/// <summary>The set of seen X-GitHub-Delivery ids survives a restart and is bounded (issue #2 §4).</summary>
public sealed class DeliveryMemoryTests : IDisposable
{
    private readonly TempDirectory _temp = new("deliveries");
    private readonly GitRepo _repo;
    private readonly string _commit;

    public DeliveryMemoryTests()
    {
        _repo = new GitRepo(_temp.Path);
        _repo.Write("index.html", "hello");
        _commit = _repo.CommitAndPush("initial");
    }

    public void Dispose() => _temp.Dispose();

    private JsonObject Config(int? remembered = null)
    {
        var config = Daemon.Config(_temp.Combine("data"), WebhookDaemonFixture.Services(_temp.Path, _repo.Bare));
        if (remembered is { } n) config["Hook"]!["RememberedDeliveries"] = n;
        return config;
    }

    private Task<Daemon> StartAsync(int? remembered = null) => Daemon.StartAsync(Config(remembered), _temp.Combine("hook.json"));

    [Fact]
    public async Task Duplicate_detection_survives_a_restart()
    {
        var delivery = Guid.NewGuid().ToString();
        var body = Payloads.PushPayload(WebhookDaemonFixture.SiteRepository, _commit);
        await using (var first = await StartAsync())
            Assert.Equal(HttpStatusCode.Accepted, (await first.SendAsync(body, deliveryId: delivery)).StatusCode);

        await using var second = await StartAsync();
        var again = await second.SendAsync(body, deliveryId: delivery);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.True((await again.JsonAsync())["duplicate"]!.GetValue<bool>());
        Assert.Equal(1, await second.DeploysOfDeliveryAsync(delivery));
    }

    [Fact]
    public async Task Only_the_newest_RememberedDeliveries_are_kept()
    {
        await using var daemon = await StartAsync(remembered: 100);
        var body = Payloads.PushPayload(WebhookDaemonFixture.SiteRepository, _commit);
        var deliveries = Enumerable.Range(0, 101).Select(i => $"bounded-{i:D3}").ToList();
        foreach (var delivery in deliveries)
            Assert.Equal(HttpStatusCode.Accepted, (await daemon.SendAsync(body, deliveryId: delivery)).StatusCode);

        var newest = await daemon.SendAsync(body, deliveryId: deliveries[^1]);
        var oldest = await daemon.SendAsync(body, deliveryId: deliveries[0]);

        Assert.Equal(HttpStatusCode.OK, newest.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, oldest.StatusCode);
    }
}
