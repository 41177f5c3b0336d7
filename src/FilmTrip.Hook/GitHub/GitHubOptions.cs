using FilmTrip.Hook.Configuration;

namespace FilmTrip.Hook.GitHub;

/// <summary><c>Hook:GitHub</c>: a token that may write deployments, and the API's address for GitHub Enterprise Server.</summary>
public sealed class GitHubOptions
{
    /// <summary>A file holding a token with "Deployments: write" (fine-grained) or repo_deployment (classic) on the services' repositories.</summary>
    public string TokenFile { get; set; } = "";
    /// <summary>https://api.github.com/ by default; GitHub Enterprise Server: https://HOST/api/v3/.</summary>
    public string ApiUrl { get; set; } = "https://api.github.com/";

    internal string Token { get; set; } = "";
}

/// <summary>Start-up reading and checks of <c>Hook:GitHub</c>, one line per problem (called by SecretsLoader and the validator).</summary>
internal static class GitHubSettings
{
    public static void Load(HookOptions options)
    {
        if (options.GitHub is not { } github) return;
        if (github.TokenFile.Length == 0)
            options.LoadProblems.Add("Hook:GitHub:TokenFile: is required when Hook:GitHub is set (a token that may write deployments)");
        else
            github.Token = SecretsLoader.ReadSecretFile("Hook:GitHub:TokenFile", github.TokenFile, options.LoadProblems) ?? "";
    }

    public static IEnumerable<string> Problems(HookOptions options)
    {
        if (options.GitHub is not { } github) yield break;
        if (!Uri.TryCreate(github.ApiUrl, UriKind.Absolute, out var api) || api.Scheme is not ("http" or "https") || api.UserInfo.Length > 0)
            yield return $"Hook:GitHub:ApiUrl: '{github.ApiUrl}' must be an absolute http(s) URL such as https://api.github.com/ or https://HOST/api/v3/";
    }
}
