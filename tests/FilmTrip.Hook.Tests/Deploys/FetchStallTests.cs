using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Deploys;

/// <summary>
/// A remote that accepts the connection and then sends nothing fails the deploy as a network error within
/// Hook:FetchStallTimeout per attempt, and frees the service for the next push (issue #11; measured before:
/// a deploy sat in fetch for more than 5 minutes).
/// </summary>
public sealed class FetchStallTests : IAsyncLifetime
{
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(2);

    private GitHttpServer _server = null!;
    private StaticWorld _world = null!;

    public async Task InitializeAsync()
    {
        // "web" fetches the world's bare repository over HTTP through the server; "admin" still reads it from disk.
        // A process of its own: libgit2's network timeouts are process-wide, and daemons hosted in the test process
        // set their own (the default FetchStallTimeout) at start.
        _world = await StaticWorld.StartAsync(host: DaemonHost.Process, configure: c =>
        {
            var web = c["Hook"]!["Services"]!["web"]!;
            _server = new GitHttpServer(web["Repository"]!.GetValue<string>()) { Stalled = true };
            web["Repository"] = _server.Url;
            c["Hook"]!["FetchStallTimeout"] = StallTimeout.ToString();
        });
    }

    public async Task DisposeAsync()
    {
        await _world.DisposeAsync();
        _server?.Dispose();
    }

    [Fact]
    public async Task A_remote_that_stalls_fails_the_deploy_within_the_stall_timeout_and_the_next_push_deploys()
    {
        var stalled = (await _world.PushAsync(_world.Repo.Head()))["web"];

        var deploy = await _world.Daemon.WaitForDeployAsync(stalled, TimeSpan.FromSeconds(90));

        DeployAssert.State("failed", deploy);
        Assert.Contains("timed out", deploy["deploy"]!["error"]!.GetValue<string>());
        Assert.Equal("fetch", deploy["steps"]!.AsArray().Single()!["name"]!.GetValue<string>());
        // Three attempts of one stall each, plus the retry backoff (about 1 s and 2 s, with jitter).
        var seconds = deploy["deploy"]!["durationSeconds"]!.GetValue<double>();
        Assert.True(seconds < 3 * StallTimeout.TotalSeconds + 15, $"the stalled deploy took {seconds:0.0} s");
        Assert.True(_server.StalledConnections >= 3, $"{_server.StalledConnections} connections reached the remote");
        Assert.Null(_world.Live("web"));

        _server.Stalled = false;
        var sha = _world.Commit("2", "web");
        var next = (await _world.PushAsync(sha))["web"];

        DeployAssert.State("succeeded", await _world.Daemon.WaitForDeployAsync(next));
        Assert.Equal("2", _world.LiveVersion("web"));
    }
}
