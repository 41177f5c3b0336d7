namespace FilmTrip.Hook.Configuration;

/// <summary>The whole "Hook" section. Names are the user-facing contract documented in README.md.</summary>
public sealed class HookOptions
{
    public const string SectionName = "Hook";

    public string DataDirectory { get; set; } = "/var/lib/filmtrip-hook";

    public string WebhookSecret { get; set; } = "";
    public string? WebhookSecretFile { get; set; }

    public string ApiToken { get; set; } = "";
    public string? ApiTokenFile { get; set; }

    /// <summary>When true (the default) the GET endpoints need the bearer token as well: build logs are not for every local user.</summary>
    public bool RequireTokenForStatus { get; set; } = true;

    /// <summary>How many X-GitHub-Delivery ids are remembered for duplicate detection.</summary>
    public int RememberedDeliveries { get; set; } = 10_000;

    /// <summary>Cap of one deploy's log file; past it the log keeps its head and its last lines (<see cref="Deploys.DeployLog"/>).</summary>
    public long MaxDeployLogBytes { get; set; } = 10L << 20;

    /// <summary>A git fetch that receives nothing for this long fails as a network error (libgit2's server timeout: process-wide).</summary>
    public TimeSpan FetchStallTimeout { get; set; } = TimeSpan.FromMinutes(2);

    public Dictionary<string, ServiceOptions> Services { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Where deploy news goes (issue #12): robots of DingTalk, WeCom, Feishu, Slack, or a generic JSON receiver.</summary>
    public List<Notifications.NotificationOptions> Notifications { get; set; } = [];

    /// <summary>Optional: GitHub deployment statuses for every deploy (issue #12).</summary>
    public GitHub.GitHubOptions? GitHub { get; set; }

    /// <summary>Problems found while loading secret files (reported by the validator).</summary>
    internal List<string> LoadProblems { get; } = [];
}

public sealed class ServiceOptions
{
    public string Repository { get; set; } = "";
    /// <summary>owner/name that push payloads are matched against.</summary>
    public string? GitHubRepository { get; set; }
    public string Branch { get; set; } = "main";
    public string? GitTokenFile { get; set; }
    public string? Subdirectory { get; set; }
    public string[] Paths { get; set; } = [];
    public string Root { get; set; } = "";
    public string[] SharedFiles { get; set; } = [];
    public string[] SharedDirectories { get; set; } = [];

    /// <summary>Parsed from the "Build" section by <see cref="BuildStepsBinder"/>; the binder cannot express "argv array or object".</summary>
    [Microsoft.Extensions.Configuration.ConfigurationKeyName("__BuildSteps_not_bound")]
    [ReadByHand("Build")]
    public List<BuildStep> Build { get; set; } = [];

    public Dictionary<string, string> Environment { get; set; } = new(StringComparer.Ordinal);
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromMinutes(10);
    public Pm2Options? Pm2 { get; set; }
    public int? Port { get; set; }
    public HealthCheckOptions? HealthCheck { get; set; }

    /// <summary>How a pm2 service's new release takes traffic: pm2 reload in place (default) or two colors behind nginx.</summary>
    public DeployStrategy Strategy { get; set; } = DeployStrategy.Reload;
    public BlueGreenOptions? BlueGreen { get; set; }
    /// <summary>BlueGreen: argv arrays run in the new release with PORT = the new color's port, before it gets traffic.</summary>
    public List<string[]> Verify { get; set; } = [];
    /// <summary>Watch the new release's traffic after the switch and go back by itself (issue 15); null: no watch.</summary>
    public global::FilmTrip.Hook.Watch.WatchOptions? Watch { get; set; }

    public int KeepReleases { get; set; } = 5;
    /// <summary>A push is recorded as awaiting_approval and runs only once approved (POST /deploys/{id}/approve, issue #12).</summary>
    public bool RequireApproval { get; set; }
    public string[] DependencyFiles { get; set; } = ["package.json", "package-lock.json"];

    /// <summary>Problems found while reading sections the binder cannot check (reported by the validator).</summary>
    internal List<string> BindingProblems { get; } = [];
}

public sealed class BuildStep
{
    public string[] Run { get; set; } = [];
    public bool SkipWhenDependenciesUnchanged { get; set; }

    public override string ToString() => string.Join(' ', Run);
}

public sealed class Pm2Options
{
    public string App { get; set; } = "";
    public string Ecosystem { get; set; } = "ecosystem.config.js";
    /// <summary>PM2_HOME of the pm2 daemon that runs the app; null means pm2's own default for the daemon's user.</summary>
    public string? Home { get; set; }
    /// <summary>The pm2 executable (name on PATH or absolute path).</summary>
    public string Executable { get; set; } = "pm2";
}

public sealed class HealthCheckOptions
{
    public string Url { get; set; } = "";
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How long the app must stay healthy (same pids, no restarts) before a deploy counts as good.</summary>
    public TimeSpan StableFor { get; set; } = TimeSpan.FromSeconds(2);
}

public enum DeployStrategy { Reload, BlueGreen }

/// <summary>Two pm2 apps, <c>&lt;App&gt;-blue</c> on Ports[0] and <c>&lt;App&gt;-green</c> on Ports[1], behind an nginx upstream (issue #10).</summary>
public sealed class BlueGreenOptions
{
    public int[] Ports { get; set; } = [];
    /// <summary>The file nginx includes inside the service's <c>upstream</c> block; the daemon rewrites it atomically.</summary>
    public string UpstreamFile { get; set; } = "";
    /// <summary>argv that makes nginx reread its configuration (never a shell string); default <c>systemctl reload nginx</c>.</summary>
    /// <remarks>No array default: the configuration binder appends a configured array to a default one.</remarks>
    public string[] NginxReload { get; set; } = [];

    public IReadOnlyList<string> NginxReloadCommand => NginxReload.Length > 0 ? NginxReload : ["systemctl", "reload", "nginx"];
    /// <summary>nginx master's pid file: the switch is confirmed by the master starting new workers.</summary>
    public string NginxPidFile { get; set; } = "/run/nginx.pid";
    /// <summary>The old color is never stopped before this has passed since the switch.</summary>
    public TimeSpan Drain { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>How long the old color stays running, idle, for an instant rollback.</summary>
    public TimeSpan KeepWarm { get; set; } = TimeSpan.FromMinutes(10);
}
