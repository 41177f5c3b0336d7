using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FilmTrip.Hook;

/// <summary>
/// Every libc call the daemon makes, because .NET does not expose it: processes, atomic renames, durable directories
/// and the daemon lock here; what dependency reuse needs in Native.Files.cs. No other file declares a LibraryImport.
/// </summary>
internal static partial class Native
{
    private const int ESRCH = 3;
    private const int O_RDONLY = 0;
    private const int O_DIRECTORY = 0x10000;
    private const int O_RDWR = 2, O_CREAT = 0x40, O_CLOEXEC = 0x80000, Mode0640 = 0x1A0;
    private const int LOCK_EX = 2, LOCK_NB = 4, EWOULDBLOCK = 11;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameNative(string oldPath, string newPath);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    /// <summary>Signal 0 probes a pid without touching it; EPERM still means "alive".</summary>
    public static bool IsProcessAlive(int pid) => Kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() != ESRCH;

    /// <summary>kill(2) with a chosen signal (SIGTERM 15, SIGINT 2), which Process.Kill cannot send; false when it failed.</summary>
    public static bool Signal(int pid, int signal) => Kill(pid, signal) == 0;

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

    /// <summary>
    /// Opens (creating, mode 0640) and tries flock(LOCK_EX | LOCK_NB) on <paramref name="path"/>. The handle comes back
    /// either way: locked, or open for reading what the holder wrote. Close-on-exec, so no child the daemon starts
    /// (a build, a pm2 daemon) keeps the lock alive after the daemon dies. Done by hand because .NET's own
    /// FileShare.None lock also blocks another process from reading the file.
    /// </summary>
    public static (SafeFileHandle Handle, bool Locked) OpenAndLock(string path)
    {
        var fd = Open(path, O_RDWR | O_CREAT | O_CLOEXEC, Mode0640);
        if (fd < 0) throw new IOException($"open('{path}') failed: {Marshal.GetLastPInvokeErrorMessage()}");
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (Flock(fd, LOCK_EX | LOCK_NB) == 0) return (handle, true);
        var error = Marshal.GetLastPInvokeError();
        if (error == EWOULDBLOCK) return (handle, false);
        handle.Dispose();
        throw new IOException($"flock('{path}') failed: {Marshal.GetPInvokeErrorMessage(error)}");
    }
}
