using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Deploys;

/// <summary>The cross-process lock and crash recovery (static services: no pm2 needed). Parallel services: ParallelServicesTests; the queue's rules and an unreachable remote: InProcess/QueueRuleTests.</summary>
public sealed class QueueAndLockTests : IAsyncLifetime
{
    private const string Repository = StaticWorld.Repository;
    private StaticWorld _world = null!;
    private Daemon _daemon => _world.Daemon;

    private string Gate(string service) => _world.Gate(service);
    private string Root(string service) => _world.Root(service);

    // A process: one test kills it, another holds its lock from this test process as "another process".
    public async Task InitializeAsync() => _world = await StaticWorld.StartAsync(gatesOpen: false, host: DaemonHost.Process);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    private Task<List<JsonNode>> DeploysOfAsync(string service) => _world.DeploysOfAsync(service);

    [Fact]
    public async Task The_service_lock_holds_against_another_process()
    {
        BuildSteps.Open(Gate("web"));
        var lockPath = Path.Combine(_world.DataDirectory, "locks", "web.lock");
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        // This test process is "another process" to the daemon: it takes the same flock.
        var held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        string deployId;
        try
        {
            deployId = (await _daemon.PushAsync(Repository, _world.Repo.Head()))["web"];
            var log = Path.Combine(_world.DataDirectory, "deploys", deployId + ".log");
            await Poll.UntilAsync(() => File.Exists(log) && File.ReadAllText(log).Contains("waiting for the lock"),
                TimeSpan.FromSeconds(30), "the deploy to wait for the lock");
            Assert.Equal("queued", (await _daemon.GetJsonAsync($"/deploys/{deployId}"))["deploy"]!["state"]!.GetValue<string>());
            Assert.False(Directory.Exists(Path.Combine(Root("web"), "current")));
        }
        finally
        {
            held.Dispose();
        }

        DeployAssert.State("succeeded", await _daemon.WaitForDeployAsync(deployId));
    }

    [Fact]
    public async Task Kill_9_during_a_build_leaves_current_unchanged_and_the_next_start_cleans_up()
    {
        BuildSteps.Open(Gate("web"));
        DeployAssert.State("succeeded", await _daemon.WaitForDeployAsync((await _daemon.PushAsync(Repository, _world.Repo.Head()))["web"]));
        var live = new FileInfo(Path.Combine(Root("web"), "current")).LinkTarget;
        File.Delete(Gate("web"));
        File.Delete(Gate("web") + ".started");
        _world.Repo.Write("web/VERSION", "2");
        var interrupted = (await _daemon.PushAsync(Repository, _world.Repo.CommitAndPush("v2")))["web"];
        await BuildSteps.WaitUntilStartedAsync(Gate("web"));

        await _daemon.KillAsync();
        // The orphaned build step is ours to stop (systemd's control group would do it on a server).
        KillOrphanedBuildSteps(Gate("web"));
        await _world.RestartAsync();

        var record = await _daemon.GetJsonAsync($"/deploys/{interrupted}");
        Assert.Equal("interrupted", record["deploy"]!["state"]!.GetValue<string>());
        Assert.Equal(live, new FileInfo(Path.Combine(Root("web"), "current")).LinkTarget);
        Assert.Single(Directory.GetDirectories(Path.Combine(Root("web"), "releases")));

        BuildSteps.Open(Gate("web"));
        _world.Repo.Write("web/VERSION", "3");
        var next = (await _daemon.PushAsync(Repository, _world.Repo.CommitAndPush("v3")))["web"];
        DeployAssert.State("succeeded", await _daemon.WaitForDeployAsync(next));
        Assert.Equal("3", File.ReadAllText(Path.Combine(Root("web"), "current", "VERSION")));
    }

    private static void KillOrphanedBuildSteps(string gate)
    {
        foreach (var line in File.ReadAllLines(gate + ".started"))
            if (int.TryParse(line, out var pid))
                try { System.Diagnostics.Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { }
    }
}
