using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;
using Payloads = FilmTrip.Hook.Tests.Support.Webhooks;

namespace FilmTrip.Hook.Tests.Configuration;

/// <summary>
/// Issue #2 §3 through the real process: a bad configuration stops the daemon at start with a non-zero exit code
/// and one line per problem naming its key; a good one starts. The long tail of rules is in HookOptionsValidationTests.
/// </summary>
public sealed class StartupValidationTests : IDisposable
{
    private const string ErrorPrefix = "filmtrip-hook: configuration error: ";
    private const UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly TempDirectory _temp = new("startup");
    private readonly JsonObject _config;

    public StartupValidationTests() => _config = HookConfig.Valid(_temp.Path);

    public void Dispose() => _temp.Dispose();

    /// <summary>One bad setting per rule of issue #2 §3, and the key its message must name.</summary>
    private static readonly Dictionary<string, (Action<JsonObject, TempDirectory> Break, string Key)> Rules = new()
    {
        ["no webhook secret"] = ((c, _) => c.Hook().Remove("WebhookSecret"), "Hook:WebhookSecret:"),
        ["missing secret file"] = ((c, t) => { c.Hook().Remove("WebhookSecret"); c.Hook()["WebhookSecretFile"] = t.Combine("absent"); },
            "Hook:WebhookSecretFile:"),
        ["equal roots"] = ((c, _) => c.Service("frontend")["Root"] = c.Service("backend")["Root"]!.GetValue<string>(),
            "Hook:Services:frontend:Root:"),
        ["nested roots"] = ((c, _) => c.Service("frontend")["Root"] = c.Service("backend")["Root"]!.GetValue<string>() + "/public",
            "Hook:Services:frontend:Root:"),
        ["relative root"] = ((c, _) => c.Service("frontend")["Root"] = "srv/frontend", "Hook:Services:frontend:Root:"),
        ["root through a symlink"] = ((c, t) =>
        {
            Directory.CreateDirectory(t.Combine("real"));
            File.CreateSymbolicLink(t.Combine("link"), t.Combine("real"));
            c.Service("frontend")["Root"] = t.Combine("link", "frontend");
        }, "Hook:Services:frontend:Root:"),
        ["duplicate port"] = ((c, _) => c.Service("frontend")["Port"] = 3001, "Hook:Services:frontend:Port:"),
        ["duplicate pm2 app"] = ((c, _) => c.Service("frontend")["Pm2"] = new JsonObject { ["App"] = "filmtrip-backend" },
            "Hook:Services:frontend:Pm2:App:"),
        ["shell string build step"] = ((c, _) => c.Service("frontend")["Build"] = new JsonArray("npm ci && npm run build"),
            "Hook:Services:frontend:Build:0:"),
        ["KeepReleases 1"] = ((c, _) => c.Service("frontend")["KeepReleases"] = 1, "Hook:Services:frontend:KeepReleases:"),
        ["Subdirectory with .."] = ((c, _) => c.Service("frontend")["Subdirectory"] = "../backend", "Hook:Services:frontend:Subdirectory:"),
        ["absolute Subdirectory"] = ((c, _) => c.Service("frontend")["Subdirectory"] = "/frontend", "Hook:Services:frontend:Subdirectory:"),
        ["shared file escaping"] = ((c, _) => c.Service("backend")["SharedFiles"] = new JsonArray("../.env"),
            "Hook:Services:backend:SharedFiles:0:"),
        ["health check not loopback"] = ((c, _) => c.Service("frontend")["HealthCheck"]!["Url"] = "http://example.com/",
            "Hook:Services:frontend:HealthCheck:Url:"),
        ["health check not http"] = ((c, _) => c.Service("frontend")["HealthCheck"]!["Url"] = "ftp://127.0.0.1/",
            "Hook:Services:frontend:HealthCheck:Url:"),
    };

    /// <summary>
    /// The rules in groups whose settings do not overlap (one daemon start per group, not per rule): a start with a
    /// group broken must print exactly one line per rule, each naming that rule's key.
    /// </summary>
    private static readonly string[][] Groups =
    [
        ["equal roots", "no webhook secret", "duplicate port", "shell string build step", "Subdirectory with ..", "health check not loopback"],
        ["nested roots", "missing secret file", "duplicate pm2 app", "KeepReleases 1", "absolute Subdirectory", "health check not http"],
        ["relative root", "shared file escaping"],
        ["root through a symlink"],
    ];

    public static TheoryData<string> GroupNames => [.. Groups.Select(g => string.Join(" + ", g))];

    [Fact]
    public void The_groups_hold_every_rule_once() =>
        Assert.Equal(Rules.Keys.Order(StringComparer.Ordinal), Groups.SelectMany(g => g).Order(StringComparer.Ordinal));

    private async Task<(int ExitCode, string[] ErrorLines, string Output)> RunAsync(IDictionary<string, string>? environment = null,
        bool configFromEnvironment = false)
    {
        var path = _temp.Combine("hook.json");
        await File.WriteAllTextAsync(path, _config.ToJsonString());
        var (exitCode, output) = configFromEnvironment
            ? await Daemon.RunToEndAsync([], new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["FILMTRIP_HOOK_CONFIG"] = path })
            : await Daemon.RunToEndAsync(["--config", path], environment);
        var errors = output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith(ErrorPrefix, StringComparison.Ordinal)).ToArray();
        return (exitCode, errors, output);
    }

    private string SecretFile(string secret, UnixFileMode mode)
    {
        var path = _temp.Combine("webhook-secret");
        File.WriteAllText(path, secret + "\n");
        File.SetUnixFileMode(path, mode);
        return path;
    }

    [Theory]
    [MemberData(nameof(GroupNames))]
    public async Task Bad_configuration_stops_the_daemon_with_one_line_per_problem_naming_its_key(string group)
    {
        var rules = group.Split(" + ");
        foreach (var rule in rules) Rules[rule].Break(_config, _temp);

        var (exitCode, errors, output) = await RunAsync();

        Assert.NotEqual(0, exitCode);
        Assert.True(errors.Length == rules.Length, $"{rules.Length} problems, {errors.Length} lines:\n{string.Join('\n', errors)}");
        Assert.All(rules, rule => Assert.Single(errors, l => l.StartsWith(ErrorPrefix + Rules[rule].Key, StringComparison.Ordinal)));
        Assert.DoesNotContain("Unhandled exception", output);
    }

    [Fact]
    public async Task World_readable_secret_file_stops_the_daemon_without_printing_the_secret()
    {
        _config.Hook().Remove("WebhookSecret");
        _config.Hook()["WebhookSecretFile"] = SecretFile("file-secret-do-not-print", Mode0600 | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var (exitCode, errors, output) = await RunAsync();

        Assert.NotEqual(0, exitCode);
        Assert.StartsWith(ErrorPrefix + "Hook:WebhookSecretFile:", Assert.Single(errors));
        Assert.DoesNotContain("file-secret-do-not-print", output);
    }

    [Fact]
    public async Task Several_problems_are_reported_at_once_each_on_its_own_line()
    {
        _config.Hook().Remove("WebhookSecret");
        _config.Service("frontend")["Root"] = _config.Service("backend")["Root"]!.GetValue<string>();
        _config.Service("frontend")["KeepReleases"] = 1;
        _config.Service("frontend")["Build"] = new JsonArray("npm ci && npm run build");
        _config.Service("backend")["HealthCheck"]!["Url"] = "http://example.com/";

        var (exitCode, errors, _) = await RunAsync();

        Assert.NotEqual(0, exitCode);
        Assert.Equal(5, errors.Length);
        string[] keys =
        [
            "Hook:WebhookSecret:", "Hook:Services:frontend:Root:", "Hook:Services:frontend:KeepReleases:",
            "Hook:Services:frontend:Build:0:", "Hook:Services:backend:HealthCheck:Url:",
        ];
        Assert.All(keys, key => Assert.Single(errors, l => l.StartsWith(ErrorPrefix + key, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_JSON_syntax_error_stops_the_daemon_with_exit_2_and_one_line_naming_file_line_and_column()
    {
        var path = _temp.Combine("hook.json");
        await File.WriteAllTextAsync(path, "{\n  \"Hook\": {\n    \"DataDirectory\": \"/tmp/x\"\n    \"ApiToken\": \"t\"\n  }\n}\n");

        var (exitCode, output) = await Daemon.RunToEndAsync(["--config", path]);

        Assert.Equal(2, exitCode);
        Assert.Equal($"{ErrorPrefix}{path}:4:5: not valid JSON: '\"' is invalid after a value. Expected either ',', '}}', or ']'.", output.Trim());
    }

    [Fact]
    public async Task Unknown_keys_and_a_wrong_type_stop_the_daemon_with_exit_2_and_every_problem()
    {
        _config.Service("backend")["HealthChek"] = new JsonObject { ["Url"] = "http://127.0.0.1:3001/health" };
        _config.Service("frontend")["Stratgy"] = "blue-green";
        _config.Service("frontend")["KeepReleases"] = "five";
        _config.Service("frontend")["Root"] = "relative/frontend";

        var (exitCode, errors, output) = await RunAsync();

        Assert.Equal(2, exitCode);
        Assert.Equal(4, errors.Length);
        Assert.Contains(ErrorPrefix + "Hook:Services:backend:HealthChek: unknown key; did you mean 'HealthCheck'?", errors);
        Assert.Contains(errors, l => l.StartsWith(ErrorPrefix + "Hook:Services:frontend:Stratgy: unknown key; did you mean '", StringComparison.Ordinal));
        Assert.Contains(ErrorPrefix + "Hook:Services:frontend:KeepReleases: 'five' is not a whole number", errors);
        Assert.Contains(errors, l => l.StartsWith(ErrorPrefix + "Hook:Services:frontend:Root:", StringComparison.Ordinal));
        Assert.Equal(errors.Length, output.Trim().Split('\n').Length);
    }

    [Fact]
    public async Task Missing_config_file_stops_the_daemon()
    {
        var (exitCode, output) = await Daemon.RunToEndAsync(["--config", _temp.Combine("absent.json")]);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(ErrorPrefix + "--config:", output);
    }

    [Fact]
    public async Task Config_named_by_FILMTRIP_HOOK_CONFIG_is_validated()
    {
        _config.Service("frontend")["KeepReleases"] = 1;

        var (exitCode, errors, _) = await RunAsync(configFromEnvironment: true);

        Assert.NotEqual(0, exitCode);
        Assert.StartsWith(ErrorPrefix + "Hook:Services:frontend:KeepReleases:", Assert.Single(errors));
    }

    [Fact]
    public async Task Daemon_starts_on_config_named_by_FILMTRIP_HOOK_CONFIG()
    {
        _config.Hook()["WebhookSecret"] = "secret-from-env-named-file";

        await using var daemon = await Daemon.StartAsync(_config, _temp.Combine("hook.json"), configFromEnvironment: true);
        var response = await PingAsync(daemon, "secret-from-env-named-file");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Valid_config_with_a_0600_secret_file_starts_and_uses_the_file_secret()
    {
        _config.Hook().Remove("WebhookSecret");
        _config.Hook()["WebhookSecretFile"] = SecretFile("secret-from-file", Mode0600);

        await using var daemon = await Daemon.StartAsync(_config, _temp.Combine("hook.json"));

        Assert.Equal(HttpStatusCode.OK, (await PingAsync(daemon, "secret-from-file")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PingAsync(daemon, Daemon.Secret)).StatusCode);
        Assert.DoesNotContain("secret-from-file", daemon.Output);
    }

    [Fact]
    public async Task Hook__WebhookSecret_from_the_environment_overrides_the_config_file()
    {
        _config.Hook()["WebhookSecret"] = "secret-in-config-file";
        var environment = new Dictionary<string, string> { ["Hook__WebhookSecret"] = "secret-from-environment" };

        await using var daemon = await Daemon.StartAsync(_config, _temp.Combine("hook.json"), environment: environment);

        Assert.Equal(HttpStatusCode.OK, (await PingAsync(daemon, "secret-from-environment")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PingAsync(daemon, "secret-in-config-file")).StatusCode);
    }

    [Fact]
    public async Task Hook__WebhookSecret_from_the_environment_satisfies_a_config_without_a_secret()
    {
        _config.Hook().Remove("WebhookSecret");
        var environment = new Dictionary<string, string> { ["Hook__WebhookSecret"] = "secret-from-environment" };

        await using var daemon = await Daemon.StartAsync(_config, _temp.Combine("hook.json"), environment: environment);

        Assert.Equal(HttpStatusCode.OK, (await PingAsync(daemon, "secret-from-environment")).StatusCode);
    }

    private static Task<HttpResponseMessage> PingAsync(Daemon daemon, string secret)
    {
        var body = Encoding.UTF8.GetBytes(Payloads.RealPing());
        return daemon.SendAsync(body, "ping", signature: Payloads.Sign(body, secret));
    }
}
