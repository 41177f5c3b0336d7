using System.Text.Json;
using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Cli;

/// <summary>
/// A running daemon with one static service ("frontend", no pm2: fast) deploying from a real repository,
/// and the CLI run against it (in the test process, <see cref="CliInProcess"/>) with the daemon's config and address.
/// </summary>
public sealed class CliWorld : IAsyncDisposable
{
    private readonly HookWorld _world;

    private CliWorld(HookWorld world) => _world = world;

    public GitRepo Repo => _world.Repo;
    public Daemon Daemon => _world.Daemon;
    public string Root => _world.Temp.Combine("srv", "frontend");
    public string Gate => _world.Temp.Combine("gate");
    public string LiveVersion => File.ReadAllText(Path.Combine(Root, "current", "dist", "index.html"));

    /// <summary><paramref name="holdBuilds"/>: every build first waits for <see cref="Gate"/> (see <see cref="BuildSteps.WaitFor"/>).</summary>
    /// <param name="requireApproval">the service holds every push for <c>approve</c> (RequireApproval).</param>
    public static Task<CliWorld> StartAsync(bool holdBuilds = false, bool requireApproval = false) =>
        HookWorld.BuildAsync(new HookWorld("cli"), async hook =>
        {
            var world = new CliWorld(hook);
            world.Repo.Write("frontend/VERSION", "1");
            world.Repo.Write("frontend/build.js", "const fs = require('fs'); fs.mkdirSync('dist', {recursive: true}); fs.writeFileSync('dist/index.html', 'v' + fs.readFileSync('VERSION', 'utf8'));");
            world.Repo.CommitAndPush("v1");
            var build = new JsonArray();
            if (holdBuilds) build.Add(BuildSteps.WaitFor(world.Gate));
            build.Add(new JsonArray("node", "build.js"));
            var service = hook.AddService("frontend", "frontend", world.Root, build);
            service["KeepReleases"] = 3;
            if (requireApproval) service["RequireApproval"] = true;
            await hook.StartAsync();
            return world;
        });

    /// <summary>Runs <c>filmtrip-hook args --config &lt;daemon's&gt; --url &lt;daemon's&gt;</c> to its end.</summary>
    public Task<(int ExitCode, string Output)> RunAsync(params string[] args) =>
        CliInProcess.RunAsync([.. args, "--config", Daemon.ConfigPath, "--url", DaemonUrl]);

    public string DaemonUrl => $"http://127.0.0.1:{Daemon.Port}";

    /// <summary>Commits VERSION=<paramref name="version"/>, pushes it with a signed webhook and waits for the deploy. Returns (sha, deploy).</summary>
    public async Task<(string Sha, JsonNode Deploy)> PushVersionAsync(string version)
    {
        Repo.Write("frontend/VERSION", version);
        var sha = Repo.CommitAndPush($"v{version}");
        var deploys = await _world.PushAsync(sha);
        return (sha, await Daemon.WaitForDeployAsync(deploys["frontend"]));
    }

    /// <summary>A copy of the daemon's config with <paramref name="change"/> applied (e.g. another ApiToken).</summary>
    public string ConfigCopy(string name, Action<JsonNode> change)
    {
        var config = JsonNode.Parse(File.ReadAllText(Daemon.ConfigPath))!;
        change(config);
        var path = _world.Temp.Combine(name);
        File.WriteAllText(path, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    public ValueTask DisposeAsync() => _world.DisposeAsync();
}

/// <summary>A test class with its own <see cref="CliWorld"/> per test, started before and disposed after each.</summary>
public abstract class CliWorldTest : IAsyncLifetime
{
    protected CliWorld World { get; private set; } = null!;

    public async Task InitializeAsync() => World = await StartAsync();

    /// <summary>The world this class needs (default: a plain one).</summary>
    protected virtual Task<CliWorld> StartAsync() => CliWorld.StartAsync();

    public async Task DisposeAsync() => await World.DisposeAsync();
}
