using System.Net;
using System.Net.Sockets;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>
/// A port free a moment ago, released before use: only for ports the daemon does not bind itself (pm2 apps and nginx
/// that the test configures, and "nothing listens here" for an unreachable daemon). The daemon binds port 0 and the
/// test reads the port back (<see cref="Daemon.StartAsync"/>): never pick-and-release for it, another process may take the port in between.
/// </summary>
public static class FreePort
{
    public static int Get()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
