using System.Net;
using System.Net.Sockets;

namespace FilmTrip.Hook.Processes;

/// <summary>
/// A TCP port nothing listens on now, for a child the daemon starts on a port of its choosing (the Reload strategy's
/// preflight, issue #10 §7). Taken from below the kernel's ephemeral range (<c>ip_local_port_range</c>), never by
/// binding port 0: that hands out an ephemeral port, which any outgoing connection on the box (nginx to its upstreams,
/// npm, git) may take as its local port before the child binds it, and the child then fails with EADDRINUSE. Ports
/// are handed out in turn from a random start, each after a bind on every address showed it free. The tests use the
/// same (Support/FreePort).
/// </summary>
internal static class SparePorts
{
    private const int First = 20000;
    private static int next = Random.Shared.Next(1 << 20);

    public static int Next()
    {
        var end = EphemeralStart();
        if (end - First < 1000) return AnyFree(); // an unusual range leaves no room below it
        for (var tried = 0; tried < end - First; tried++)
        {
            var port = First + (int)((uint)Interlocked.Increment(ref next) % (uint)(end - First));
            if (IsFree(port)) return port;
        }
        return AnyFree();
    }

    /// <summary>The first port of the kernel's ephemeral range (32768 when it cannot be read).</summary>
    private static int EphemeralStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.TryParse(range[0], out var start) && start is > 1024 and <= 65535 ? start : 32768;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return 32768;
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var any = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
            any.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int AnyFree()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
