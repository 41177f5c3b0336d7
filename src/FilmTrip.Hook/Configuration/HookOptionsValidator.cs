using System.Net;
using System.Net.NetworkInformation;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Configuration;

/// <summary>
/// Every start-up check, all reported at once, one line each, each naming its key.
/// The daemon never starts half-working: a bad configuration fails here, never mid-deploy.
/// </summary>
internal sealed partial class HookOptionsValidator : IValidateOptions<HookOptions>
{
    public ValidateOptionsResult Validate(string? name, HookOptions options)
    {
        var problems = Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    internal static IEnumerable<string> Problems(HookOptions o)
    {
        foreach (var p in o.LoadProblems) yield return p;

        // An empty *File ("WebhookSecretFile": "") is no file: SecretsLoader skips it, so it must not count as a secret.
        if (string.IsNullOrWhiteSpace(o.WebhookSecret) && string.IsNullOrEmpty(o.WebhookSecretFile))
            yield return "Hook:WebhookSecret: no webhook secret is set (set Hook:WebhookSecret or Hook:WebhookSecretFile); unsigned pushes are never accepted";
        if (string.IsNullOrWhiteSpace(o.ApiToken) && string.IsNullOrEmpty(o.ApiTokenFile))
            yield return "Hook:ApiToken: no API token is set (set Hook:ApiToken or Hook:ApiTokenFile); POST /rollback needs one";
        if (!Path.IsPathFullyQualified(o.DataDirectory))
            yield return $"Hook:DataDirectory: '{o.DataDirectory}' must be an absolute path";
        if (o.RememberedDeliveries < 100)
            yield return "Hook:RememberedDeliveries: must be at least 100";
        if (o.Services.Count == 0)
            yield return "Hook:Services: no service is configured";
        foreach (var p in BoundsProblems(o)) yield return p;

        foreach (var (name, s) in o.Services)
            foreach (var p in ServiceProblems($"Hook:Services:{name}", name, s))
                yield return p;

        foreach (var p in CrossServiceProblems(o)) yield return p;
        foreach (var p in StrategyValidator.CrossProblems(o)) yield return p;
        foreach (var p in Notifications.NotificationSettings.Problems(o)) yield return p;
        foreach (var p in FilmTrip.Hook.GitHub.GitHubSettings.Problems(o)) yield return p;
    }

    private static IEnumerable<string> ServiceProblems(string key, string name, ServiceOptions s)
    {
        if (!ServiceName().IsMatch(name))
            yield return $"{key}: service name must match {ServiceName()} (it names files and URLs)";
        foreach (var p in s.BindingProblems) yield return p;

        if (string.IsNullOrWhiteSpace(s.Repository))
            yield return $"{key}:Repository: is required";
        if (s.GitHubRepository is null)
            yield return $"{key}:GitHubRepository: is required when Repository is not a github.com URL";
        else if (!OwnerName().IsMatch(s.GitHubRepository))
            yield return $"{key}:GitHubRepository: '{s.GitHubRepository}' must be owner/name";
        if (!BranchName().IsMatch(s.Branch) || s.Branch.Contains("..", StringComparison.Ordinal))
            yield return $"{key}:Branch: '{s.Branch}' is not a valid branch name";

        foreach (var p in RootProblems($"{key}:Root", s.Root)) yield return p;

        if (s.Subdirectory is not null && !IsContainedRelativePath(s.Subdirectory))
            yield return $"{key}:Subdirectory: '{s.Subdirectory}' must be a relative path inside the repository (no '..', not absolute)";
        for (var i = 0; i < s.SharedFiles.Length; i++)
            if (!IsContainedRelativePath(s.SharedFiles[i]))
                yield return $"{key}:SharedFiles:{i}: '{s.SharedFiles[i]}' must be a relative path inside the release (no '..', not absolute)";
        for (var i = 0; i < s.SharedDirectories.Length; i++)
            if (!IsContainedRelativePath(s.SharedDirectories[i]))
                yield return $"{key}:SharedDirectories:{i}: '{s.SharedDirectories[i]}' must be a relative path inside the release (no '..', not absolute)";
        for (var i = 0; i < s.DependencyFiles.Length; i++)
            if (!IsContainedRelativePath(s.DependencyFiles[i]))
                yield return $"{key}:DependencyFiles:{i}: '{s.DependencyFiles[i]}' must be a relative path inside the release";

        if (s.KeepReleases < 2)
            yield return $"{key}:KeepReleases: is {s.KeepReleases}, must be at least 2 (the current release and the one before it)";
        if (s.StepTimeout <= TimeSpan.Zero)
            yield return $"{key}:StepTimeout: must be positive";
        if (s.Port is { } port and (< 1 or > 65535))
            yield return $"{key}:Port: {port} is not a TCP port";
        if (s.GitTokenFile is not null && !Path.IsPathFullyQualified(s.GitTokenFile))
            yield return $"{key}:GitTokenFile: '{s.GitTokenFile}' must be an absolute path";

        if (s.Pm2 is { } pm2)
        {
            if (!Pm2AppName().IsMatch(pm2.App))
                yield return $"{key}:Pm2:App: '{pm2.App}' must be an exact pm2 app name (letters, digits, '.', '_', '-'; never 'all')";
            else if (pm2.App is "all")
                yield return $"{key}:Pm2:App: 'all' would touch every tenant's apps; give the exact app name";
            if (!IsContainedRelativePath(pm2.Ecosystem))
                yield return $"{key}:Pm2:Ecosystem: '{pm2.Ecosystem}' must be a relative path inside the release";
            if (pm2.Home is not null && !Path.IsPathFullyQualified(pm2.Home))
                yield return $"{key}:Pm2:Home: '{pm2.Home}' must be an absolute path";
        }

        if (s.HealthCheck is { } health)
        {
            if (!IsLocalHttpUrl(health.Url))
                yield return $"{key}:HealthCheck:Url: '{health.Url}' must be an http(s) URL on a loopback or local address";
            if (health.Timeout <= TimeSpan.Zero)
                yield return $"{key}:HealthCheck:Timeout: must be positive";
        }
        else if (s.Pm2 is not null)
        {
            yield return $"{key}:HealthCheck: is required for a pm2 service (pm2 reload exits 0 even when the new code crashes)";
        }
        foreach (var p in StrategyValidator.Problems(key, s)) yield return p;
        foreach (var p in global::FilmTrip.Hook.Watch.WatchValidator.Problems(key, s.Watch)) yield return p;
    }

    private static IEnumerable<string> BoundsProblems(HookOptions o)
    {
        if (o.MaxDeployLogBytes < Deploys.DeployLog.MinimumCap)
            yield return $"Hook:MaxDeployLogBytes: is {o.MaxDeployLogBytes}, must be at least {Deploys.DeployLog.MinimumCap} (64 KiB) bytes";
        if (o.FetchStallTimeout < TimeSpan.FromSeconds(1) || o.FetchStallTimeout > TimeSpan.FromHours(1))
            yield return $"Hook:FetchStallTimeout: is {o.FetchStallTimeout}, must be between 00:00:01 and 01:00:00";
    }

    private static IEnumerable<string> CrossServiceProblems(HookOptions o)
    {
        var services = o.Services.ToList();
        for (var i = 0; i < services.Count; i++)
            for (var j = i + 1; j < services.Count; j++)
            {
                var (a, sa) = services[i];
                var (b, sb) = services[j];
                if (Path.IsPathFullyQualified(sa.Root) && Path.IsPathFullyQualified(sb.Root) && Overlaps(sa.Root, sb.Root))
                    yield return $"Hook:Services:{b}:Root: '{sb.Root}' is equal to or nested with the Root of '{a}' ('{sa.Root}')";
                if (sa.Port is { } pa && pa == sb.Port)
                    yield return $"Hook:Services:{b}:Port: {pa} is also the Port of '{a}'";
                if (sa.Pm2 is { } pma && sb.Pm2 is { } pmb && pma.App == pmb.App && pma.Home == pmb.Home)
                    yield return $"Hook:Services:{b}:Pm2:App: '{pmb.App}' is also the pm2 app of '{a}'";
            }

        if (Path.IsPathFullyQualified(o.DataDirectory))
            foreach (var (name, s) in services)
                if (Path.IsPathFullyQualified(s.Root) && Overlaps(o.DataDirectory, s.Root))
                    yield return $"Hook:Services:{name}:Root: '{s.Root}' is equal to or nested with Hook:DataDirectory '{o.DataDirectory}'";
    }

    private static IEnumerable<string> RootProblems(string key, string root)
    {
        if (string.IsNullOrWhiteSpace(root)) { yield return $"{key}: is required"; yield break; }
        if (!Path.IsPathFullyQualified(root)) { yield return $"{key}: '{root}' must be an absolute path"; yield break; }
        if (Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) == "/") { yield return $"{key}: must not be '/'"; yield break; }
        if (SymlinkOnPath(root) is { } link)
            yield return $"{key}: '{root}' passes through the symlink '{link}'; give the real path";
    }

    /// <summary>The first existing component of <paramref name="path"/> that is a symlink, if any.</summary>
    internal static string? SymlinkOnPath(string path)
    {
        var full = Path.GetFullPath(path);
        var current = "/";
        foreach (var part in full.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            var info = new FileInfo(current);
            if (!info.Exists && !Directory.Exists(current) && info.LinkTarget is null) return null;
            if (info.LinkTarget is not null) return current;
        }
        return null;
    }

    internal static bool Overlaps(string a, string b)
    {
        var x = Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)) + "/";
        var y = Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)) + "/";
        return x.StartsWith(y, StringComparison.Ordinal) || y.StartsWith(x, StringComparison.Ordinal);
    }

    internal static bool IsContainedRelativePath(string path) =>
        path.Length > 0 && !path.StartsWith('/') && !path.Contains('\0')
        && path.TrimEnd('/').Split('/').All(part => part is not ("" or "." or ".."));

    internal static bool IsLocalHttpUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0)
            return false;
        if (uri.IsLoopback) return true;
        if (!IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address)) return false;
        return NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Any(a => a.Address.Equals(address));
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\\z")]
    private static partial Regex ServiceName();

    [GeneratedRegex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+\\z")]
    private static partial Regex OwnerName();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}\\z")]
    private static partial Regex BranchName();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\\z")]
    private static partial Regex Pm2AppName();
}
