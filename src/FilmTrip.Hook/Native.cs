using System.Runtime.InteropServices;

namespace FilmTrip.Hook;

/// <summary>The few libc calls .NET does not expose.</summary>
internal static partial class Native
{
    private const int ESRCH = 3;
    private const int O_RDONLY = 0;
    private const int O_DIRECTORY = 0x10000;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameNative(string oldPath, string newPath);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    /// <summary>Signal 0 probes a pid without touching it; EPERM still means "alive".</summary>
    public static bool IsProcessAlive(int pid) => Kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() != ESRCH;

    /// <summary>rename(2): atomically replaces <paramref name="newPath"/>, even a symlink to a directory.</summary>
    public static void Rename(string oldPath, string newPath)
    {
        if (RenameNative(oldPath, newPath) != 0)
            throw new IOException($"rename('{oldPath}', '{newPath}') failed: {Marshal.GetLastPInvokeErrorMessage()}");
    }

    /// <summary>Makes a directory's entries (a rename inside it) durable.</summary>
    public static void FsyncDirectory(string path)
    {
        var fd = Open(path, O_RDONLY | O_DIRECTORY);
        if (fd < 0) throw new IOException($"open('{path}') failed: {Marshal.GetLastPInvokeErrorMessage()}");
        try
        {
            if (Fsync(fd) != 0) throw new IOException($"fsync('{path}') failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
        finally
        {
            _ = Close(fd);
        }
    }
}
