using System.Net;
using FilmTrip.Hook.Tests.Support;
using Payloads = FilmTrip.Hook.Tests.Support.Webhooks;

namespace FilmTrip.Hook.Tests.Webhooks;

/// <summary>
/// Large deliveries take one of four slots; when none frees up within 5 s the next gets 503 with Retry-After, while a
/// small delivery never waits behind them (issue #11 §8). Uploads that stall after their first bytes hold the slots.
/// </summary>
public sealed class LargeDeliveryQueueTests : IAsyncLifetime
{
    private const int Slots = 4;
    private static readonly string Forged = "sha256=" + new string('0', 64);
    private readonly List<RawDelivery> _uploads = [];
    private readonly HookWorld _world;
    private readonly string _commit;

    public LargeDeliveryQueueTests() => (_world, _commit) = WebhookDaemonFixture.NewWorld("slots");

    private Daemon _daemon => _world.Daemon;

    public Task InitializeAsync() => _world.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var upload in _uploads) upload.Dispose();
        await _world.DisposeAsync();
    }

    [Fact]
    public async Task With_every_slot_held_a_large_delivery_gets_503_with_Retry_After_and_a_small_push_still_goes_through()
    {
        for (var i = 0; i <= Slots; i++) _uploads.Add(await RawDelivery.StartAsync(_daemon.Port, 25 * 1024 * 1024, Forged));
        var answers = _uploads.Select(u => u.ReadAnswerAsync()).ToList();

        var turnedAway = await await Task.WhenAny(answers).WaitAsync(TimeSpan.FromSeconds(60));
        var small = await _daemon.SendAsync(Payloads.PushPayload(WebhookDaemonFixture.SiteRepository, _commit));

        Assert.Equal(503, RawDelivery.Status(turnedAway));
        Assert.Contains("\r\nRetry-After: 5\r\n", turnedAway, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\r\nContent-Type: application/problem+json", turnedAway, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Accepted, small.StatusCode);
        Assert.Equal(Slots, answers.Count(a => !a.IsCompleted)); // the small push went by while the slots were still held

        var holders = _uploads.Where((_, i) => !answers[i].IsCompleted).ToList();
        await Task.WhenAll(holders.Select(u => u.FinishAsync()));
        var rest = await Task.WhenAll(holders.Select(u => u.ReadAnswerAsync())).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.All(rest, a => Assert.Equal(401, RawDelivery.Status(a)));
    }
}
