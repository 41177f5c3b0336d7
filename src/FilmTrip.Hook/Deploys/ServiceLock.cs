namespace FilmTrip.Hook.Deploys;

/// <summary>
/// The per-service deploy lock: an OS file lock (flock, which .NET takes for FileShare.None on Linux) on
/// <c>DataDirectory/locks/&lt;service&gt;.lock</c>. Held for a whole deploy; the kernel releases it when the
/// holder dies, so there is never a stale lock to clear by hand.
/// </summary>
public sealed class ServiceLock : IDisposable
{
    private readonly FileStream _stream;

    private ServiceLock(FileStream stream) => _stream = stream;

    public static string PathFor(string dataDirectory, string service) => Path.Combine(dataDirectory, "locks", service + ".lock");

    /// <summary>Takes the lock, or returns null at once when another process (or deploy) holds it.</summary>
    public static ServiceLock? TryAcquire(string dataDirectory, string service)
    {
        var path = PathFor(dataDirectory, service);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            // For whoever looks at a held lock: which process holds it.
            stream.SetLength(0);
            stream.Write(System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId + "\n"));
            stream.Flush();
            return new ServiceLock(stream);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Waits for the lock, polling, until <paramref name="cancellationToken"/> fires.</summary>
    public static async Task<ServiceLock> AcquireAsync(string dataDirectory, string service, Action<string> log, CancellationToken cancellationToken)
    {
        var announced = false;
        while (true)
        {
            if (TryAcquire(dataDirectory, service) is { } held) return held;
            if (!announced)
            {
                log($"waiting for the lock {PathFor(dataDirectory, service)}, held by another process");
                announced = true;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    public void Dispose() => _stream.Dispose();
}
