using FilmTrip.Hook.Webhooks;

namespace FilmTrip.Hook.Tests.Webhooks;

/// <summary>Large deliveries wait their turn for a slot, for a bounded time (issue #11 §8).</summary>
[Trait("Tier", "InProcess")]
public sealed class DeliverySlotsTests
{
    [Fact]
    public async Task No_free_slot_within_the_wait_gives_null()
    {
        var slots = new DeliverySlots(1, TimeSpan.FromMilliseconds(100), TimeProvider.System);
        using var first = await slots.TryEnterAsync(default);

        var second = await slots.TryEnterAsync(default);

        Assert.NotNull(first);
        Assert.Null(second);
    }

    [Fact]
    public async Task Waiter_gets_the_slot_given_back()
    {
        var slots = new DeliverySlots(1, TimeSpan.FromMinutes(1), TimeProvider.System);
        var first = await slots.TryEnterAsync(default);
        var waiter = slots.TryEnterAsync(default);
        Assert.False(waiter.IsCompleted);

        first!.Dispose();

        using var second = await waiter.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotNull(second);
    }

    [Fact]
    public async Task Slot_disposed_twice_is_given_back_once()
    {
        var slots = new DeliverySlots(1, TimeSpan.FromMilliseconds(100), TimeProvider.System);
        var slot = await slots.TryEnterAsync(default);
        slot!.Dispose();
        slot.Dispose();

        var entered = new[] { await slots.TryEnterAsync(default), await slots.TryEnterAsync(default) };

        Assert.Equal(1, entered.Count(s => s is not null));
    }

    [Fact]
    public async Task Aborted_request_stops_waiting_with_cancellation()
    {
        var slots = new DeliverySlots(1, TimeSpan.FromMinutes(1), TimeProvider.System);
        using var first = await slots.TryEnterAsync(default);
        using var aborted = new CancellationTokenSource();
        var waiter = slots.TryEnterAsync(aborted.Token);

        await aborted.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter);
    }
}
