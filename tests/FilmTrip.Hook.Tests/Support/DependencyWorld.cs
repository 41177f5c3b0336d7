using System.Text.Json.Nodes;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>
/// One service, app/, with a real npm dependency (tiny-dep, from a local tarball so npm needs no registry) and the
/// build <c>npm ci</c> (skipped when the dependency files are unchanged), then each step of <paramref name="steps"/>.
/// </summary>
public sealed class DependencyWorld : IAsyncDisposable
{
    private readonly HookWorld _world;

    private DependencyWorld(HookWorld world) => _world = world;

    public GitRepo Repo => _world.Repo;
    public Daemon Daemon => _world.Daemon;
    public string Root => _world.Temp.Combine("srv", "app");
    public string DataDirectory => _world.DataDirectory;

    /// <summary>Commits app/ with <paramref name="files"/> (path under app/ → content) and starts the daemon.</summary>
    public static Task<DependencyWorld> StartAsync(Dictionary<string, string> files, params string[][] steps) =>
        HookWorld.BuildAsync(new HookWorld("deps"), async hook =>
        {
            var world = new DependencyWorld(hook);
            foreach (var (path, content) in files) world.Repo.Write($"app/{path}", content);
            world.UseTinyDependency("1.0.0");
            world.Repo.CommitAndPush("v1");
            hook.AddService("app", "app", world.Root, new JsonArray([
                new JsonObject { ["Run"] = new JsonArray("npm", "ci", "--no-audit", "--no-fund", "--offline"), ["SkipWhenDependenciesUnchanged"] = true },
                .. steps.Select(step => new JsonArray([.. step.Select(a => (JsonNode)a)])),
            ]));
            await hook.StartAsync();
            return world;
        });

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    /// <summary>Makes app/ depend on tiny-dep <paramref name="version"/> (a packed tarball) with a fresh lockfile.</summary>
    public void UseTinyDependency(string version)
    {
        var package = _world.Temp.Combine($"tiny-dep-{version}");
        Directory.CreateDirectory(package);
        File.WriteAllText(Path.Combine(package, "package.json"), $$"""{ "name": "tiny-dep", "version": "{{version}}", "main": "index.js" }""");
        File.WriteAllText(Path.Combine(package, "index.js"), $"module.exports = 'tiny {version}';");
        Run(package, "npm", "pack", "--silent", "--pack-destination", Path.Combine(Repo.WorkTree, "app"));
        Repo.Write("app/package.json", $$"""{ "name": "app", "version": "1.0.0", "private": true, "dependencies": { "tiny-dep": "file:tiny-dep-{{version}}.tgz" } }""");
        foreach (var old in Directory.GetFiles(Path.Combine(Repo.WorkTree, "app"), "tiny-dep-*.tgz").Where(f => !f.EndsWith($"{version}.tgz")))
            File.Delete(old);
        File.Delete(Path.Combine(Repo.WorkTree, "app", "package-lock.json"));
        Run(Path.Combine(Repo.WorkTree, "app"), "npm", "install", "--package-lock-only", "--no-audit", "--no-fund", "--offline");
    }

    /// <summary>Commits, pushes and waits for the deploy to end in <paramref name="state"/>.</summary>
    public async Task<JsonNode> DeployAsync(string message, string state = "succeeded")
    {
        var deploys = await _world.PushAsync(Repo.CommitAndPush(message));
        var deploy = await Daemon.WaitForDeployAsync(deploys["app"]);
        DeployAssert.State(state, deploy);
        return deploy;
    }

    public static List<string> Steps(JsonNode deploy) => deploy["steps"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()).ToList();

    /// <summary>The release directory <c>current</c> points at.</summary>
    public string LiveRelease() => Path.Combine(Root, new FileInfo(Path.Combine(Root, "current")).LinkTarget!);

    public static string Inode(string path) => Run(Path.GetDirectoryName(path)!, "stat", "-L", "-c", "%i", path).Trim();

    public static string Run(string directory, string file, params string[] args) => Programs.RunChecked(file, args, directory);
}
