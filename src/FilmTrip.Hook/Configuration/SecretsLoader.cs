using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Configuration;

/// <summary>
/// Fills in what configuration leaves implicit: secrets from <c>*File</c> keys and
/// <c>GitHubRepository</c> from a github.com URL. Runs after binding, before validation.
/// </summary>
internal sealed partial class SecretsLoader : IPostConfigureOptions<HookOptions>
{
    public void PostConfigure(string? name, HookOptions options)
    {
        if (options.WebhookSecretFile is { Length: > 0 } secretFile)
            options.WebhookSecret = ReadSecretFile("Hook:WebhookSecretFile", secretFile, options.LoadProblems) ?? "";
        if (options.ApiTokenFile is { Length: > 0 } tokenFile)
            options.ApiToken = ReadSecretFile("Hook:ApiTokenFile", tokenFile, options.LoadProblems) ?? "";

        foreach (var service in options.Services.Values)
            service.GitHubRepository ??= GitHubRepositoryOf(service.Repository);
        Notifications.NotificationSettings.Load(options);
        FilmTrip.Hook.GitHub.GitHubSettings.Load(options);
    }

    /// <summary>Reads a secret file, refusing one that is missing or that other users can read.</summary>
    internal static string? ReadSecretFile(string key, string path, List<string> problems)
    {
        if (!Path.IsPathFullyQualified(path))
        {
            problems.Add($"{key}: '{path}' must be an absolute path");
            return null;
        }
        if (!File.Exists(path))
        {
            problems.Add($"{key}: file '{path}' does not exist");
            return null;
        }
        string value;
        try
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            {
                problems.Add($"{key}: file '{path}' is readable or writable by other users (mode {Convert.ToString((int)mode, 8)}); run chmod 600 (or 640 with a dedicated group)");
                return null;
            }
            value = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            // An operator running `filmtrip-hook check-config` as another user than the daemon's lands here.
            problems.Add($"{key}: cannot read '{path}': {e.Message}");
            return null;
        }
        if (value.Length == 0)
            problems.Add($"{key}: file '{path}' is empty");
        return value;
    }

    /// <summary>owner/name from https://github.com/owner/name(.git), git@github.com:owner/name(.git) or ssh://git@github.com/owner/name(.git).</summary>
    internal static string? GitHubRepositoryOf(string repositoryUrl)
    {
        var match = GitHubUrl().Match(repositoryUrl.Trim());
        return match.Success ? $"{match.Groups["owner"].Value}/{match.Groups["name"].Value}" : null;
    }

    [GeneratedRegex(@"^(?:https://(?:[^@/]+@)?github\.com/|ssh://git@github\.com/|git@github\.com:)(?<owner>[A-Za-z0-9_.-]+)/(?<name>[A-Za-z0-9_.-]+?)(?:\.git)?/?\z", RegexOptions.IgnoreCase)]
    private static partial Regex GitHubUrl();
}
