namespace FilmTrip.Hook.Tests.Support;

/// <summary>
/// A port for something the test configures but does not bind itself (pm2 apps, nginx, "nothing listens here" for an
/// unreachable daemon): the daemon's own <see cref="FilmTrip.Hook.Processes.SparePorts"/>, from below the kernel's
/// ephemeral range, each handed out once in turn. The daemon binds port 0 and the test reads the port back
/// (<see cref="Daemon.StartAsync"/>).
/// </summary>
public static class FreePort
{
    public static int Get() => FilmTrip.Hook.Processes.SparePorts.Next();
}
