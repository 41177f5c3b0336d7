using System.Text.Json.Nodes;
using FilmTrip.Hook.Git;
using FilmTrip.Hook.Processes;
using FilmTrip.Hook.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace FilmTrip.Hook.Tests.InProcess.Fakes;

/// <summary>
/// The daemon's whole web app (Program.cs: options, validation, endpoints, queue, worker, history) on a TestServer,
/// with git, processes (build steps and pm2) and time faked at their seams. Two static services, "web" and "admin",
/// are subdirectories of <see cref="Repository"/>, as in the end-to-end tier's StaticWorld. Starts in well under a second.
/// </summary>
public sealed class HookHost : WebApplicationFactory<Program>
{
    public const string Repository = "acme/filmtrip";

    private readonly TempDirectory _temp = new("inproc");
    private readonly JsonObject _config;
    private HookClient? _client;

    public HookHost() : this(null) { }

    private HookHost(Action<HookHost, JsonObject>? configure)
    {
        _config = Daemon.Config(DataDirectory, new JsonObject { ["web"] = Service("web"), ["admin"] = Service("admin") });
        configure?.Invoke(this, _config);
        InitialCommit = Git.Commit(RepositoryUrl, ("web/VERSION", "1"), ("admin/VERSION", "1"));
    }

    /// <summary>The first commit: VERSION 1 of both services.</summary>
    public string InitialCommit { get; }

    /// <summary>A host whose config <paramref name="configure"/> changes first (the JSON as a config file holds it).</summary>
    public static HookHost With(Action<HookHost, JsonObject> configure) => new(configure);

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);
    public FakeGit Git { get; } = new();
    public FakeCommands Commands { get; } = new();
    public string DataDirectory => _temp.Combine("data");
    public string RepositoryUrl => _temp.Combine("acme-filmtrip.git");
    public string Root(string service) => _temp.Combine("srv", service);
    public string? LiveVersion(string service) =>
        File.Exists(Path.Combine(Root(service), "current", "VERSION")) ? File.ReadAllText(Path.Combine(Root(service), "current", "VERSION")) : null;

    /// <summary>The API over the TestServer; created (and the app started) on first use.</summary>
    public HookClient Client => _client ??= new HookClient(CreateClient());

    /// <summary>Commits new VERSION files for the given services (both by default) and returns the sha.</summary>
    public string Commit(string version, params string[] services) =>
        Git.Commit(RepositoryUrl, [.. (services.Length == 0 ? ["web", "admin"] : services).Select(s => ($"{s}/VERSION", version))]);

    public Task<Dictionary<string, string>> PushAsync(string sha) => Client.PushAsync(Repository, sha);

    /// <summary>A static service of <see cref="RepositoryUrl"/> with one build step; <paramref name="subdirectory"/> defaults to its name.</summary>
    public JsonObject Service(string name, string gitHubRepository = Repository, string? subdirectory = null) => new()
    {
        ["Repository"] = RepositoryUrl,
        ["GitHubRepository"] = gitHubRepository,
        ["Subdirectory"] = subdirectory ?? name,
        ["Root"] = Root(name),
        ["Build"] = new JsonArray(new JsonArray("node", "-e", "build")),
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var configPath = _temp.Combine("hook.json");
        File.WriteAllText(configPath, _config.ToJsonString());
        // Program sets ContentRootPath to the binary's directory; keep it (the factory would point at the project).
        builder.UseContentRoot(AppContext.BaseDirectory);
        builder.UseEnvironment("Production");
        builder.ConfigureAppConfiguration(config => config.AddJsonFile(configPath, optional: false));
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>().AddSingleton<TimeProvider>(Time);
            services.RemoveAll<IGitSource>().AddSingleton<IGitSource>(Git);
            services.RemoveAll<ICommandRunner>().AddSingleton<ICommandRunner>(Commands);
        });
    }

    protected override void Dispose(bool disposing)
    {
        Commands.Release();
        base.Dispose(disposing);
        if (disposing) _temp.Dispose();
    }
}
