using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.EndToEnd;

/// <summary>The seed's topology for one test class: a <see cref="BackendWorld"/> (the daemon, pm2 with another tenant) behind real nginx.</summary>
public abstract class BackendBehindNginx : IAsyncLifetime
{
    protected BackendWorld World { get; private set; } = null!;
    protected NginxServer Nginx { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        World = await BackendWorld.StartAsync(canary: true);
        Nginx = await NginxServer.StartAsync(World.BackendPort, World.FrontendRoot);
    }

    public async Task DisposeAsync()
    {
        if (Nginx is not null) await Nginx.DisposeAsync();
        await World.DisposeAsync();
    }
}
