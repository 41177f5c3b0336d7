using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.EndToEnd;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>
/// The BlueGreen topology of issue 10: a <see cref="BackendWorld"/> (samples/nocontract unless told otherwise, the
/// canary tenant, the daemon) behind a private nginx whose backend upstream includes an upstream file first pointing
/// at the blue port. With <c>blueGreen: false</c> the service runs the default Reload strategy on the blue port
/// (the state a migration starts from) until <see cref="SwitchToBlueGreenAsync"/>.
/// </summary>
public sealed class BlueGreenWorld : IAsyncDisposable
{
    public const string Drain = "00:00:02";
    public const string KeepWarm = "00:10:00";

    private BlueGreenWorld(BackendSample sample, NginxServer nginx, int bluePort, int greenPort)
    {
        Sample = sample;
        Nginx = nginx;
        BluePort = bluePort;
        GreenPort = greenPort;
    }

    public BackendSample Sample { get; }
    public BackendWorld Backend { get; private set; } = null!;
    public NginxServer Nginx { get; }
    public int BluePort { get; }
    public int GreenPort { get; }
    public Daemon Daemon => Backend.Daemon;
    /// <summary>The service name and the pm2 app name; its colors are <c>{App}-blue</c> and <c>{App}-green</c>.</summary>
    public string App => Sample.App;
    public JsonObject Service => Backend.Service(App);

    /// <param name="configure">Changes the backend service's config (already BlueGreen unless <paramref name="blueGreen"/> is false).</param>
    /// <param name="canary">Start the other tenant's app (see <see cref="BackendWorld.StartAsync"/>).</param>
    public static async Task<BlueGreenWorld> StartAsync(bool blueGreen = true, Action<JsonObject>? configure = null, BackendSample? sample = null,
        bool canary = false)
    {
        sample ??= BackendSample.NoContract;
        var (blue, green) = (FreePort.Get(), FreePort.Get());
        var world = new BlueGreenWorld(sample, await NginxServer.StartWithUpstreamFileAsync(blue), blue, green);
        try
        {
            world.Backend = await BackendWorld.StartAsync(config =>
            {
                var service = config["Hook"]!["Services"]![sample.App]!.AsObject();
                if (blueGreen) world.UseBlueGreen(service);
                configure?.Invoke(service);
            }, sample, backendPort: blue, canary: canary);
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
        return world;
    }

    /// <summary>Writes the BlueGreen keys of issue 10 into a service's config: the shape the daemon reads.</summary>
    private void UseBlueGreen(JsonObject service)
    {
        service["Strategy"] = "BlueGreen";
        service["BlueGreen"] = new JsonObject
        {
            ["Ports"] = new JsonArray(BluePort, GreenPort),
            ["UpstreamFile"] = Nginx.UpstreamFile,
            ["NginxReload"] = new JsonArray([.. Nginx.ReloadCommand.Select(a => JsonValue.Create(a))]),
            ["NginxPidFile"] = Nginx.PidFile,
            ["Drain"] = Drain,
            ["KeepWarm"] = KeepWarm,
        };
        if (Sample.Verify is { } verify) service["Verify"] = verify();
    }

    /// <summary>Changes the backend service's config and restarts the daemon on it.</summary>
    public async Task ReconfigureAsync(Action<JsonObject> change)
    {
        change(Service);
        await Backend.RestartDaemonAsync();
    }

    /// <summary>Migration (issue 10 §6): the Reload service gets the BlueGreen keys; the daemon restarts on them.</summary>
    public Task SwitchToBlueGreenAsync() => ReconfigureAsync(UseBlueGreen);

    public int PortOf(string color) => color == "blue" ? BluePort : GreenPort;

    public static string Other(string color) => color == "blue" ? "green" : "blue";

    public Task<JsonNode> DeployVersionAsync(string version) => Backend.DeployVersionAsync(version);

    public LoadThroughNginx StartLoad(bool keepAlive = true) => LoadThroughNginx.Start(new Uri(Nginx.ApiUri, "version"), keepAlive: keepAlive);

    /// <summary>Starts load through nginx and waits until it is answered with <paramref name="version"/>.</summary>
    public async Task<LoadThroughNginx> StartLoadServingAsync(string version, bool keepAlive = true)
    {
        var load = StartLoad(keepAlive);
        await Poll.UntilAsync(() => load.Bodies.ContainsKey(version), TimeSpan.FromSeconds(15), $"version {version} through nginx");
        return load;
    }

    /// <summary>GET /version through nginx on a new connection (so through a worker with nginx's current config).</summary>
    public Task<string> ServedThroughNginxAsync() => GetVersionAsync(new Uri(Nginx.ApiUri, "version"));

    /// <summary>GET /version straight from a color's port.</summary>
    public Task<string> ServedByAsync(string color) => GetVersionAsync(new Uri($"http://127.0.0.1:{PortOf(color)}/version"));

    private static async Task<string> GetVersionAsync(Uri uri)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.ConnectionClose = true;
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsStringAsync()).Trim();
    }

    /// <summary>The online pm2 instances of a color's app (<c>{App}-{color}</c>): pids and restart counts.</summary>
    public Task<IReadOnlyList<(int Pid, int Restarts)>> ColorInstancesAsync(string color) => Backend.Pm2InstancesAsync($"{App}-{color}");

    public async ValueTask DisposeAsync()
    {
        if (Backend is not null) await Backend.DisposeAsync();
        await Nginx.DisposeAsync();
    }
}
