using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.BlueGreen;

/// <summary>
/// Issue 10 §5, under load through nginx: when nginx does not take the switch (the reload command fails, or nginx
/// keeps its old configuration), the deploy fails, the upstream file is as before, and the old color keeps serving.
/// </summary>
[LongRunning(25)]
public sealed class NginxFaultTests : IAsyncLifetime
{
    private BlueGreenWorld _world = null!;

    public async Task InitializeAsync() => _world = await BlueGreenWorld.StartAsync(canary: true);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_failing_nginx_reload_command_fails_the_deploy_naming_it_and_leaves_the_upstream_file_as_it_was()
    {
        var v1 = await _world.DeployVersionAsync("1");
        DeployAssert.State("succeeded", v1);
        await _world.ReconfigureAsync(s => s["BlueGreen"]!["NginxReload"] = new JsonArray("false"));
        var before = await LiveColorSnapshot.TakeAsync(_world, v1, "1");
        await using var load = await _world.StartLoadServingAsync("1");

        var failed = await _world.DeployVersionAsync("2");
        await load.StopAsync();

        DeployAssert.State("failed", failed);
        Assert.Contains("false", failed["deploy"]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        await before.AssertUntouchedAsync(_world);
        load.AssertNoFailureAndOnly("1");
    }

    [Fact]
    public async Task Nginx_that_keeps_its_old_configuration_fails_the_deploy_and_the_upstream_file_is_restored()
    {
        var v1 = await _world.DeployVersionAsync("1");
        DeployAssert.State("succeeded", v1);
        // A port someone else holds: `nginx -s reload` exits 0, but the master cannot bind and keeps the old config.
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        _world.Nginx.AddServerListeningOn(((IPEndPoint)taken.LocalEndpoint).Port);
        var workers = _world.Nginx.WorkerPids();
        var before = await LiveColorSnapshot.TakeAsync(_world, v1, "1");
        await using var load = await _world.StartLoadServingAsync("1");

        var failed = await _world.DeployVersionAsync("2");
        await load.StopAsync();

        DeployAssert.State("failed", failed);
        Assert.Contains("still could not bind()", _world.Nginx.ErrorLog(), StringComparison.Ordinal); // nginx was asked, and refused
        Assert.Equal(workers, _world.Nginx.WorkerPids());
        await before.AssertUntouchedAsync(_world);
        load.AssertNoFailureAndOnly("1");
    }
}
