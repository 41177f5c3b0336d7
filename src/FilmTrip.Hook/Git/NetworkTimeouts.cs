using System.Runtime.InteropServices;
using LibGit2Sharp;

namespace FilmTrip.Hook.Git;

/// <summary>
/// Bounds every network wait of libgit2: connecting, and each read or write on the connection (its "server timeout",
/// libgit2 1.7+). A remote that accepts a connection and then sends nothing blocks libgit2 in recv(2), where no
/// progress callback runs, so a callback-based cancel cannot end it; this makes that read fail after the timeout
/// with "could not read from socket: timed out", which the fetch reports as a network error. See issue #11.
/// Measured here against a listener that accepts and never answers: without it the fetch was still blocked
/// after 15 s (and a deploy sat in fetch for over 5 minutes); with 3 s it failed after 3.1 s.
/// It covers http(s) and git:// (libgit2's own sockets); an ssh remote runs the system ssh, whose
/// ServerAliveInterval/ServerAliveCountMax bound a dead connection instead.
/// </summary>
internal static unsafe class NetworkTimeouts
{
    // git_libgit2_opt_t in libgit2's include/git2/common.h.
    private const int SetServerConnectTimeout = 39;
    private const int SetServerTimeout = 41;
    private const int GetServerTimeout = 42;

    private static readonly Lock Gate = new();

    /// <summary>Sets both timeouts, process-wide. Throws <see cref="InvalidOperationException"/> when the loaded libgit2 refuses.</summary>
    public static void Set(TimeSpan timeout)
    {
        var milliseconds = (int)Math.Clamp(timeout.TotalMilliseconds, 1, int.MaxValue);
        lock (Gate)
        {
            var options = OptionsFunction();
            // git_libgit2_opts is variadic; on the Linux ABIs (x86-64 SysV, AArch64) its int arguments are passed
            // exactly like a fixed (int, int) call, which is what this pointer type makes.
            var set = (delegate* unmanaged<int, int, int>)options;
            var get = (delegate* unmanaged<int, int*, int>)options;
            int readBack;
            if (set(SetServerConnectTimeout, milliseconds) != 0 || set(SetServerTimeout, milliseconds) != 0
                || get(GetServerTimeout, &readBack) != 0 || readBack != milliseconds)
                throw new InvalidOperationException("the loaded libgit2 does not take a server timeout (it needs libgit2 1.7 or later)");
        }
    }

    /// <summary>
    /// git_libgit2_opts of the libgit2 that LibGit2Sharp loaded. Its file name carries a build hash that changes with
    /// each LibGit2Sharp release, so it is found among the mapped files rather than named here.
    /// </summary>
    private static IntPtr OptionsFunction()
    {
        _ = GlobalSettings.GetOwnerValidation(); // the first call into libgit2 loads it
        var library = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6)
            .Select(fields => fields[5].Trim())
            .FirstOrDefault(file => Path.GetFileName(file).StartsWith("libgit2", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("libgit2 is not loaded");
        return NativeLibrary.GetExport(NativeLibrary.Load(library), "git_libgit2_opts");
    }
}
