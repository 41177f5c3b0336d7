using System.Collections.Concurrent;
using System.Security.Cryptography;
using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.History;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Deploys;

/// <summary>
/// The way into the deploy engine. Every request is written to history as <c>queued</c> before this returns,
/// so an accepted push survives a crash; one lane per service then runs them in order: rollbacks first,
/// then the newest waiting push (older waiting pushes are <c>superseded</c> when a newer one arrives).
/// </summary>
public sealed class DeployQueue(IOptions<HookOptions> options, HistoryStore history, DeployEvents events, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _signals = new(StringComparer.Ordinal);

    /// <summary>Queues one deploy per service for a push. Null when the delivery id was seen before (nothing queued).</summary>
    public IReadOnlyList<DeployRecord>? AcceptPush(string deliveryId, string commit, IReadOnlyList<string> services)
    {
        var now = time.GetUtcNow();
        // A service with RequireApproval records the push and runs nothing until an operator approves it (Approvals/).
        var deploys = services.Select(s => NewRecord(s, DeployTrigger.Push, deliveryId, commit, now,
            options.Value.Services[s].RequireApproval ? DeployState.AwaitingApproval : DeployState.Queued)).ToList();
        if (!history.AcceptDelivery(deliveryId, now, deploys, options.Value.RememberedDeliveries))
            return null;
        foreach (var deploy in deploys) events.Queued(deploy);
        foreach (var service in services) Signal(service);
        return deploys;
    }

    /// <summary>Queues a rollback (ahead of waiting pushes, never superseded) or a manual deploy; <paramref name="note"/> says why (the watch's numbers).</summary>
    public DeployRecord Enqueue(string service, DeployTrigger trigger, string commit, string? note = null)
    {
        var deploy = NewRecord(service, trigger, deliveryId: null, commit, time.GetUtcNow()) with { Note = note };
        history.Enqueue(deploy);
        events.Queued(deploy);
        Signal(service);
        return deploy;
    }

    /// <summary>Next deploy for the service: rollbacks first, then pushes in arrival order.</summary>
    public DeployRecord? Next(string service) => history.Queued().FirstOrDefault(d => d.Service == service);

    public SemaphoreSlim SignalOf(string service) => _signals.GetOrAdd(service, _ => new SemaphoreSlim(0));

    private void Signal(string service) => SignalOf(service).Release();

    private DeployRecord NewRecord(string service, DeployTrigger trigger, string? deliveryId, string commit, DateTimeOffset now,
        DeployState state = DeployState.Queued)
    {
        var id = $"{now.UtcDateTime:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        return new DeployRecord(id, service, trigger, deliveryId, commit, state, now,
            DeployLog.PathFor(options.Value.DataDirectory, id));
    }
}
