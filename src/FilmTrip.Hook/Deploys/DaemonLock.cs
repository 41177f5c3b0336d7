using System.Text;
using FilmTrip.Hook.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Win32.SafeHandles;

namespace FilmTrip.Hook.Deploys;

/// <summary>
/// One daemon per data directory (issue #11): an exclusive flock on <c>DataDirectory/daemon.lock</c>, holding the
/// holder's pid, taken before crash recovery, the queue or the port bind and held for the process's lifetime. A
/// second daemon on the same directory (a typo'd command, a second unit, a manual run) would otherwise "recover"
/// the first one's running deploy. The kernel drops the lock when the holder dies: never a stale lock to clear.
/// CLI commands never take it; they talk to the daemon over HTTP.
/// </summary>
public sealed class DaemonLock : IDisposable
{
    public const string FileName = "daemon.lock";

    private readonly SafeFileHandle _handle;

    private DaemonLock(SafeFileHandle handle) => _handle = handle;

    /// <summary>Takes the lock of the configured data directory (validating the options first), or throws <see cref="DaemonLockException"/>.</summary>
    public static DaemonLock Acquire(IServiceProvider services) =>
        Acquire(services.GetRequiredService<IOptions<HookOptions>>().Value.DataDirectory);

    public static DaemonLock Acquire(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        try
        {
            Directory.CreateDirectory(dataDirectory);
            var (handle, locked) = Native.OpenAndLock(path);
            if (!locked)
            {
                var holder = HolderOf(handle);
                handle.Dispose();
                throw new DaemonLockException(holder is { } pid
                    ? $"another daemon (pid {pid}) holds {path}; one daemon per data directory"
                    : $"another process holds {path}; one daemon per data directory");
            }
            RandomAccess.SetLength(handle, 0);
            RandomAccess.Write(handle, Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n"), 0);
            return new DaemonLock(handle);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DaemonLockException($"cannot lock {path}: {e.Message}");
        }
    }

    /// <summary>The pid the holder wrote; null while it has not written it yet.</summary>
    private static int? HolderOf(SafeFileHandle handle)
    {
        var buffer = new byte[32];
        var read = RandomAccess.Read(handle, buffer, 0);
        return int.TryParse(Encoding.ASCII.GetString(buffer, 0, read).Trim(), out var pid) && pid > 0 ? pid : null;
    }

    public void Dispose() => _handle.Dispose();
}

/// <summary>The daemon cannot run on this data directory; the message is the one line to print (exit 2).</summary>
public sealed class DaemonLockException(string message) : Exception(message);
