using FilmTrip.Hook.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Webhooks;

/// <summary>The bounds on what unauthenticated deliveries may cost the daemon (issue #11 §8).</summary>
public static class GitHubWebhookSetup
{
    /// <summary>Large deliveries read and parsed at once: at most this many 25 MiB files on disk, and signed bodies in memory.</summary>
    private const int LargeDeliverySlots = 4;

    /// <summary>Half of GitHub's 10 s to answer: a delivery that waited still has time to be read and parsed.</summary>
    private static readonly TimeSpan SlotWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// What Kestrel reads ahead of the app per connection (default 1 MiB). A delivery waiting for a slot holds this
    /// much: 40 of them took 56 MiB of RSS at the default, 17 MiB at 64 KiB (issue #11 §8).
    /// </summary>
    private const int ConnectionReadAhead = 64 * 1024;

    public static IServiceCollection AddGitHubWebhooks(this IServiceCollection services) =>
        services.Configure<SocketTransportOptions>(socket => socket.MaxReadBufferSize = ConnectionReadAhead)
            .AddSingleton(sp => new DeliverySpool(
                Path.Combine(sp.GetRequiredService<IOptions<HookOptions>>().Value.DataDirectory, "webhook-bodies"),
                new DeliverySlots(LargeDeliverySlots, SlotWait, sp.GetRequiredService<TimeProvider>())));
}
