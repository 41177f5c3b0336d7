using System.Net;
using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;
using Payloads = FilmTrip.Hook.Tests.Support.Webhooks;

namespace FilmTrip.Hook.Tests.Webhooks;

/// <summary>The set of seen X-GitHub-Delivery ids survives a restart and is bounded (issue #2 §4).</summary>
public sealed class DeliveryMemoryTests : IDisposable
{
    private readonly HookWorld _world;
    private readonly string _commit;

    public DeliveryMemoryTests() => (_world, _commit) = WebhookDaemonFixture.NewWorld("deliveries");

    public void Dispose() => _world.Temp.Dispose();

    /// <summary>A daemon of its own on the world's config (a test starts one after another on the same data directory).</summary>
    private Task<Daemon> StartAsync(int? remembered = null)
    {
        if (remembered is { } n) _world.Config["Hook"]!["RememberedDeliveries"] = n;
        return Daemon.StartAsync(_world.Config, _world.ConfigPath, host: DaemonHost.InProcess);
    }

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
