using System.Net;
using System.Net.Sockets;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>
/// A port for something the test configures but does not bind itself (pm2 apps, nginx, "nothing listens here" for an
/// unreachable daemon). The daemon binds port 0 and the test reads the port back (<see cref="Daemon.StartAsync"/>).
/// <para>
/// Ports come from below the kernel's ephemeral range (<c>ip_local_port_range</c>, 32768–60999 here): a port picked by
/// binding 0 is an ephemeral port, and every outgoing connection the suite makes (HTTP to daemons, nginx to its
/// upstreams, npm) may take it as its local port before the app binds it; the app then crashes with EADDRINUSE. Each
/// port is handed out once per test process, and only after a bind on every address showed it free.
/// </para>
/// </summary>
public static class FreePort
{
    private const int First = 20000, Last = 32000;
    private static int next = First + Environment.ProcessId * 97 % (Last - First);

    public static int Get()
    {
        for (var tried = 0; tried < Last - First; tried++)
        {
            var port = First + (Interlocked.Increment(ref next) - First) % (Last - First);
            if (IsFree(port)) return port;
        }
        throw new InvalidOperationException($"no free port in {First}–{Last - 1}");
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
}
