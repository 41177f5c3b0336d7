using System.Text.Json;
using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Cli;

/// <summary><c>check-config</c>: the daemon's start-up checks plus host checks, one line per problem (issue #7).</summary>
public sealed class CheckConfigTests : IDisposable
{
    private readonly TempDirectory _temp = new("check-config");

    public void Dispose() => _temp.Dispose();

    private JsonObject Service(string root) => new()
    {
        ["Repository"] = _temp.Combine("remote.git"),
        ["GitHubRepository"] = "acme/filmtrip",
        ["Root"] = root,
        ["Build"] = new JsonArray(new JsonArray("node", "build.js")),
    };

    private async Task<(int ExitCode, string Output)> CheckAsync(JsonNode config) =>
        await CliInProcess.RunAsync(["check-config", "--config", await WriteAsync(config)]);

    /// <summary>
    /// The problems (stdout) and the count (stderr) read apart: two pipes read side by side interleave in no fixed
    /// order, so a test of which line comes last must not read them merged.
    /// </summary>
    private async Task<CliProcess.Result> CheckApartAsync(JsonNode config) =>
        await CliProcess.RunAsync(["check-config", "--config", await WriteAsync(config)]);

    private async Task<string> WriteAsync(JsonNode config)
    {
        var path = _temp.Combine("hook.json");
        await File.WriteAllTextAsync(path, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    private static List<string> Lines(string text) => text.Trim().Split('\n').Select(l => l.TrimEnd()).ToList();

    [Fact]
    public async Task A_clean_configuration_exits_0()
    {
        // Roots that do not exist yet are fine when their nearest existing parent is writable.
        var config = Daemon.Config(_temp.Combine("data"), new JsonObject
        {
            ["frontend"] = Service(_temp.Combine("srv", "frontend")),
            ["docs"] = Service(_temp.Combine("srv", "docs")),
        });

        var (exit, output) = await CheckAsync(config);

        Assert.Equal(0, exit);
        Assert.Equal("configuration OK: 2 services", output.Trim());
    }

    [Fact]
    public async Task A_broken_configuration_prints_one_line_per_problem_and_exits_1()
    {
        var broken = Service("srv/relative");
        broken["KeepReleases"] = 1;
        broken["HealthCheck"] = new JsonObject { ["Url"] = "ftp://example.com/health" };
        var config = Daemon.Config(_temp.Combine("data"), new JsonObject { ["web"] = broken });
        config["Hook"]!.AsObject().Remove("ApiToken");

        var (exit, stdout, stderr) = await CheckApartAsync(config);

        Assert.Equal(1, exit);
        Assert.Equal("filmtrip-hook: configuration has 4 problems", stderr.Trim());
        Assert.Equal(
            [
                "Hook:ApiToken: no API token is set (set Hook:ApiToken or Hook:ApiTokenFile); POST /rollback needs one",
                "Hook:Services:web:HealthCheck:Url: 'ftp://example.com/health' must be an http(s) URL on a loopback or local address",
                "Hook:Services:web:KeepReleases: is 1, must be at least 2 (the current release and the one before it)",
                "Hook:Services:web:Root: 'srv/relative' must be an absolute path",
            ],
            Lines(stdout).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_JSON_syntax_error_is_one_line_with_file_line_and_column()
    {
        var path = _temp.Combine("hook.json");
        await File.WriteAllTextAsync(path, "{ \"Hook\": { \"DataDirectory\": \"/tmp/x\", } ");

        var (exit, stdout, stderr) = await CliProcess.RunAsync(["check-config", "--config", path]);

        Assert.Equal(1, exit);
        var problem = Assert.Single(Lines(stdout));
        Assert.StartsWith($"{path}:1:", problem);
        Assert.Contains("not valid JSON", problem);
        Assert.Equal("filmtrip-hook: configuration has 1 problem", stderr.Trim());
    }

    [Fact]
    public async Task Unknown_keys_are_problems()
    {
        var service = Service(_temp.Combine("srv", "web"));
        service["HealthChek"] = new JsonObject { ["Url"] = "http://127.0.0.1/" };
        var config = Daemon.Config(_temp.Combine("data"), new JsonObject { ["web"] = service });

        var (exit, output) = await CheckAsync(config);

        Assert.Equal(1, exit);
        Assert.Contains("Hook:Services:web:HealthChek: unknown key; did you mean 'HealthCheck'?", output);
    }

    [Fact]
    public async Task A_root_that_cannot_be_written_is_a_problem()
    {
        // /sys refuses new files even to root.
        var config = Daemon.Config(_temp.Combine("data"), new JsonObject { ["frontend"] = Service("/sys/filmtrip-hook-test/frontend") });

        var (exit, output) = await CheckAsync(config);

        Assert.Equal(1, exit);
        Assert.Contains("Hook:Services:frontend:Root: '/sys/filmtrip-hook-test/frontend' does not exist yet and its nearest existing parent '/sys' is not writable", output);
    }

    [Fact]
    public async Task A_pm2_service_without_a_running_pm2_daemon_is_a_problem()
    {
        var service = Service(_temp.Combine("srv", "backend"));
        var home = _temp.Combine("pm2-home-nobody-runs");
        service["Pm2"] = new JsonObject { ["App"] = "backend", ["Home"] = home, ["Executable"] = "/bin/sh" };
        service["HealthCheck"] = new JsonObject { ["Url"] = "http://127.0.0.1:3999/health" };
        var config = Daemon.Config(_temp.Combine("data"), new JsonObject { ["backend"] = service });

        var (exit, output) = await CheckAsync(config);

        Assert.Equal(1, exit);
        Assert.Contains($"Hook:Services:backend:Pm2:Home: no pm2 daemon is running in PM2_HOME={home}", output);
        Assert.False(Directory.Exists(home), "check-config must never start a pm2 daemon");
    }

    [Fact]
    public async Task A_missing_pm2_executable_is_a_problem()
    {
        var service = Service(_temp.Combine("srv", "backend"));
        service["Pm2"] = new JsonObject { ["App"] = "backend", ["Home"] = _temp.Combine("pm2"), ["Executable"] = _temp.Combine("no-such-pm2") };
        service["HealthCheck"] = new JsonObject { ["Url"] = "http://127.0.0.1:3999/health" };
        var config = Daemon.Config(_temp.Combine("data"), new JsonObject { ["backend"] = service });

        var (exit, output) = await CheckAsync(config);

        Assert.Equal(1, exit);
        Assert.Contains($"Hook:Services:backend:Pm2:Executable: '{_temp.Combine("no-such-pm2")}' is not an executable file", output);
    }

    [Fact]
    public async Task A_missing_config_file_is_a_problem()
    {
        var (exit, output) = await CliInProcess.RunAsync(["check-config", "--config", _temp.Combine("nope.json")]);

        Assert.Equal(1, exit);
        Assert.Contains($"--config: configuration file '{_temp.Combine("nope.json")}' does not exist", output);
    }
}
