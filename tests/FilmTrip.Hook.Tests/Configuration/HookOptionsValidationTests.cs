using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Configuration;

/// <summary>
/// Issue #2 §3, rule by rule, through the real binding pipeline (no process): each bad setting gives exactly
/// one problem, and that problem names its key. StartupValidationTests proves the daemon really stops on them.
/// </summary>
[Trait("Tier", "InProcess")]
public sealed class HookOptionsValidationTests : IDisposable
{
    private readonly TempDirectory _temp = new("config");
    private readonly JsonObject _config;

    public HookOptionsValidationTests() => _config = HookConfig.Valid(_temp.Path);

    public void Dispose() => _temp.Dispose();

    private string OnlyProblem() => HookConfig.OnlyProblem(_config);

    private string SecretFile(string content, UnixFileMode mode)
    {
        var path = _temp.Combine("webhook-secret");
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    private const UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public void The_reference_configuration_is_valid() =>
        Assert.Empty(HookConfig.Problems(_config));

    [Fact]
    public void A_value_of_the_wrong_type_is_reported_with_its_key()
    {
        _config.Service("frontend")["StepTimeout"] = "ten minutes";

        var problems = HookConfig.Problems(_config);

        Assert.Contains(problems, p => p.Contains("Hook:Services:frontend:StepTimeout") && p.Contains("ten minutes"));
    }

    // --- the webhook secret ---

    [Fact]
    public void No_webhook_secret_is_refused()
    {
        _config.Hook().Remove("WebhookSecret");

        Assert.StartsWith("Hook:WebhookSecret:", OnlyProblem());
    }

    [Fact]
    public void Empty_secret_with_a_null_secret_file_is_refused()
    {
        // The shape README and issue #2 show: "WebhookSecret": "", "WebhookSecretFile": null.
        _config.Hook()["WebhookSecret"] = "";
        _config.Hook()["WebhookSecretFile"] = null;

        Assert.StartsWith("Hook:WebhookSecret:", OnlyProblem());
    }

    [Fact]
    public void Empty_secret_with_an_empty_secret_file_path_is_refused()
    {
        _config.Hook()["WebhookSecret"] = "";
        _config.Hook()["WebhookSecretFile"] = "";

        Assert.StartsWith("Hook:WebhookSecret", OnlyProblem());
    }

    [Fact]
    public void Empty_api_token_with_an_empty_token_file_path_is_refused()
    {
        _config.Hook()["ApiToken"] = "";
        _config.Hook()["ApiTokenFile"] = "";

        Assert.StartsWith("Hook:ApiToken", OnlyProblem());
    }

    [Fact]
    public void Whitespace_webhook_secret_is_refused()
    {
        _config.Hook()["WebhookSecret"] = "   ";

        Assert.StartsWith("Hook:WebhookSecret:", OnlyProblem());
    }

    [Fact]
    public void Missing_webhook_secret_file_is_refused()
    {
        _config.Hook().Remove("WebhookSecret");
        _config.Hook()["WebhookSecretFile"] = _temp.Combine("no-such-file");

        var problem = OnlyProblem();

        Assert.StartsWith("Hook:WebhookSecretFile:", problem);
        Assert.Contains("does not exist", problem);
    }

    [Theory]
    [InlineData(UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.OtherWrite)]
    public void Webhook_secret_file_that_other_users_can_touch_is_refused(UnixFileMode extra)
    {
        _config.Hook().Remove("WebhookSecret");
        _config.Hook()["WebhookSecretFile"] = SecretFile("from-file", Mode0600 | UnixFileMode.GroupRead | extra);

        var problem = OnlyProblem();

        Assert.StartsWith("Hook:WebhookSecretFile:", problem);
        Assert.DoesNotContain("from-file", problem);
    }

    [Fact]
    public void Relative_webhook_secret_file_is_refused()
    {
        _config.Hook().Remove("WebhookSecret");
        _config.Hook()["WebhookSecretFile"] = "secrets/webhook";

        Assert.StartsWith("Hook:WebhookSecretFile:", OnlyProblem());
    }

    [Fact]
    public void Empty_webhook_secret_file_is_refused()
    {
        _config.Hook().Remove("WebhookSecret");
        _config.Hook()["WebhookSecretFile"] = SecretFile(" \n", Mode0600);

        Assert.StartsWith("Hook:WebhookSecretFile:", OnlyProblem());
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead)]
    public void Private_webhook_secret_file_is_read_and_trimmed(UnixFileMode mode)
    {
        _config.Hook().Remove("WebhookSecret");
        _config.Hook()["WebhookSecretFile"] = SecretFile("from-file\n", mode);

        Assert.Equal("from-file", HookConfig.Bind(_config).WebhookSecret);
    }

    // --- roots ---

    [Fact]
    public void Two_services_with_the_same_Root_are_refused()
    {
        _config.Service("frontend")["Root"] = _config.Service("backend")["Root"]!.GetValue<string>();

        Assert.StartsWith("Hook:Services:frontend:Root:", OnlyProblem());
    }

    [Fact]
    public void Same_Root_spelled_with_a_trailing_slash_is_refused()
    {
        _config.Service("frontend")["Root"] = _config.Service("backend")["Root"]!.GetValue<string>() + "/";

        Assert.StartsWith("Hook:Services:frontend:Root:", OnlyProblem());
    }

    [Theory]
    [InlineData("srv/backend/frontend")]
    [InlineData("srv")]
    public void Nested_Roots_are_refused(string frontendRoot)
    {
        _config.Service("frontend")["Root"] = _temp.Combine(frontendRoot.Split('/'));

        var problem = OnlyProblem();

        Assert.StartsWith("Hook:Services:frontend:Root:", problem);
        Assert.Contains("nested", problem);
    }

    [Fact]
    public void Roots_sharing_a_name_prefix_are_not_nested()
    {
        _config.Service("frontend")["Root"] = _temp.Combine("srv", "backend2");

        Assert.Empty(HookConfig.Problems(_config));
    }

    [Theory]
    [InlineData("srv/frontend")]
    [InlineData("./srv/frontend")]
    [InlineData("~/frontend")]
    public void Relative_Root_is_refused(string root)
    {
        _config.Service("frontend")["Root"] = root;

        Assert.StartsWith("Hook:Services:frontend:Root:", OnlyProblem());
    }

    [Fact]
    public void Missing_Root_is_refused()
    {
        _config.Service("frontend").Remove("Root");

        Assert.StartsWith("Hook:Services:frontend:Root:", OnlyProblem());
    }

    [Fact]
    public void Root_that_passes_through_a_symlink_is_refused()
    {
        Directory.CreateDirectory(_temp.Combine("real"));
        File.CreateSymbolicLink(_temp.Combine("link"), _temp.Combine("real"));
        _config.Service("frontend")["Root"] = _temp.Combine("link", "frontend");

        var problem = OnlyProblem();

        Assert.StartsWith("Hook:Services:frontend:Root:", problem);
        Assert.Contains("symlink", problem);
    }

    [Fact]
    public void Root_that_is_a_symlink_is_refused()
    {
        Directory.CreateDirectory(_temp.Combine("real-frontend"));
        File.CreateSymbolicLink(_temp.Combine("frontend-link"), _temp.Combine("real-frontend"));
        _config.Service("frontend")["Root"] = _temp.Combine("frontend-link");

        Assert.StartsWith("Hook:Services:frontend:Root:", OnlyProblem());
    }

    [Fact]
    public void Root_that_is_a_dangling_symlink_is_refused()
    {
        File.CreateSymbolicLink(_temp.Combine("dangling"), _temp.Combine("nowhere"));
        _config.Service("frontend")["Root"] = _temp.Combine("dangling");

        Assert.StartsWith("Hook:Services:frontend:Root:", OnlyProblem());
    }

    // --- ports and pm2 apps ---

    [Fact]
    public void Duplicate_Port_is_refused()
    {
        _config.Service("frontend")["Port"] = 3001;

        Assert.StartsWith("Hook:Services:frontend:Port:", OnlyProblem());
    }

    [Fact]
    public void Duplicate_pm2_App_is_refused()
    {
        _config.Service("frontend")["Pm2"] = new JsonObject { ["App"] = "filmtrip-backend" };

        Assert.StartsWith("Hook:Services:frontend:Pm2:App:", OnlyProblem());
    }

    // --- build steps ---

    [Fact]
    public void Build_step_as_a_shell_string_is_refused()
    {
        _config.Service("frontend")["Build"] = new JsonArray("npm ci && npm run build");

        var problem = OnlyProblem();

        Assert.StartsWith("Hook:Services:frontend:Build:0:", problem);
        Assert.Contains("argv array", problem);
    }

    [Fact]
    public void Build_as_a_single_shell_string_is_refused()
    {
        _config.Service("frontend")["Build"] = "npm ci && npm run build";

        Assert.StartsWith("Hook:Services:frontend:Build", OnlyProblem());
    }

    [Fact]
    public void Build_step_with_a_shell_string_in_Run_is_refused()
    {
        _config.Service("frontend")["Build"] = new JsonArray(new JsonObject { ["Run"] = "npm ci && npm run build" });

        Assert.StartsWith("Hook:Services:frontend:Build:0:", OnlyProblem());
    }

    [Fact]
    public void Build_steps_in_both_shapes_bind_as_argv()
    {
        _config.Service("frontend")["Build"] = new JsonArray(
            new JsonArray("npm", "ci"),
            new JsonObject { ["Run"] = new JsonArray("npm", "run", "build"), ["SkipWhenDependenciesUnchanged"] = true });

        var build = HookConfig.Bind(_config).Services["frontend"].Build;

        Assert.Equal([["npm", "ci"], ["npm", "run", "build"]], build.Select(s => s.Run));
        Assert.Equal([false, true], build.Select(s => s.SkipWhenDependenciesUnchanged));
    }

    // --- KeepReleases ---

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(-3)]
    public void KeepReleases_below_2_is_refused(int keep)
    {
        _config.Service("frontend")["KeepReleases"] = keep;

        Assert.StartsWith("Hook:Services:frontend:KeepReleases:", OnlyProblem());
    }

    [Fact]
    public void KeepReleases_of_2_is_accepted()
    {
        _config.Service("frontend")["KeepReleases"] = 2;

        Assert.Empty(HookConfig.Problems(_config));
    }

    // --- paths inside the release ---

    [Theory]
    [InlineData("..")]
    [InlineData("../backend")]
    [InlineData("frontend/../../etc")]
    [InlineData("/srv/frontend")]
    public void Subdirectory_that_escapes_the_repository_is_refused(string subdirectory)
    {
        _config.Service("frontend")["Subdirectory"] = subdirectory;

        Assert.StartsWith("Hook:Services:frontend:Subdirectory:", OnlyProblem());
    }

    [Theory]
    [InlineData("../.env")]
    [InlineData("config/../../.env")]
    [InlineData("/etc/passwd")]
    public void Shared_file_that_escapes_the_release_is_refused(string path)
    {
        _config.Service("backend")["SharedFiles"] = new JsonArray(".env", path);

        Assert.StartsWith("Hook:Services:backend:SharedFiles:1:", OnlyProblem());
    }

    [Theory]
    [InlineData("../uploads")]
    [InlineData("/var/uploads")]
    public void Shared_directory_that_escapes_the_release_is_refused(string path)
    {
        _config.Service("backend")["SharedDirectories"] = new JsonArray(path);

        Assert.StartsWith("Hook:Services:backend:SharedDirectories:0:", OnlyProblem());
    }

    // --- health checks ---

    [Theory]
    [InlineData("http://example.com/")]
    [InlineData("http://93.184.215.14/health")]
    [InlineData("ftp://127.0.0.1/health")]
    [InlineData("file:///etc/passwd")]
    [InlineData("127.0.0.1:3001/health")]
    [InlineData("http://user:pass@127.0.0.1/")]
    [InlineData("")]
    public void HealthCheck_Url_that_is_not_local_http_is_refused(string url)
    {
        _config.Service("frontend")["HealthCheck"]!["Url"] = url;

        Assert.StartsWith("Hook:Services:frontend:HealthCheck:Url:", OnlyProblem());
    }

    [Theory]
    [InlineData("http://127.0.0.1:3001/health")]
    [InlineData("https://localhost:8443/")]
    [InlineData("http://[::1]:3001/health")]
    public void HealthCheck_Url_on_loopback_is_accepted(string url)
    {
        _config.Service("frontend")["HealthCheck"]!["Url"] = url;

        Assert.Empty(HookConfig.Problems(_config));
    }

    // --- all at once ---

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        _config.Hook().Remove("WebhookSecret");
        _config.Service("frontend")["Root"] = "relative/frontend";
        _config.Service("frontend")["KeepReleases"] = 1;
        _config.Service("frontend")["Build"] = new JsonArray("npm ci && npm run build");
        _config.Service("frontend")["HealthCheck"]!["Url"] = "http://example.com/";

        var problems = HookConfig.Problems(_config);

        Assert.Equal(5, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Hook:WebhookSecret:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Hook:Services:frontend:Root:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Hook:Services:frontend:KeepReleases:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Hook:Services:frontend:Build:0:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Hook:Services:frontend:HealthCheck:Url:", StringComparison.Ordinal));
        Assert.All(problems, p => Assert.DoesNotContain('\n', p));
    }
}
