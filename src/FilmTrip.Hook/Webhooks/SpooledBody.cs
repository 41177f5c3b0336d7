namespace FilmTrip.Hook.Webhooks;

/// <summary>A delivery's body on disk with its HMAC, and the slot it holds while it is checked and parsed.</summary>
public sealed class SpooledBody(SpoolOutcome outcome, FileStream? file = null, IDisposable? slot = null) : IAsyncDisposable
{
    private IDisposable? _slot = slot;
    private FileStream? _file = file;

    public SpoolOutcome Outcome { get; private set; } = outcome;
    public long Length { get; internal set; }
    public byte[] Mac { get; internal set; } = [];
    internal bool HasSlot => _slot is not null;

    /// <summary>The whole body in memory: call only once its signature checked out.</summary>
    public async Task<byte[]> ReadAllAsync(CancellationToken cancellationToken)
    {
        var file = _file ?? throw new InvalidOperationException("the body was not read");
        var bytes = new byte[Length];
        file.Position = 0;
        await file.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }

    internal bool Take(IDisposable? slot) => (_slot = slot) is not null;

    /// <summary>Stops reading with <paramref name="outcome"/>, giving back the file and the slot at once.</summary>
    internal SpooledBody End(SpoolOutcome outcome)
    {
        Outcome = outcome;
        _file?.Dispose();
        _file = null;
        _slot?.Dispose();
        _slot = null;
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        if (_file is not null) await _file.DisposeAsync();
        _file = null;
        _slot?.Dispose();
        _slot = null;
    }
}
