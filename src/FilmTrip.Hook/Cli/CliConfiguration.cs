using FilmTrip.Hook.Configuration;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Cli;

/// <summary>
/// The daemon's configuration as the daemon itself reads it: appsettings.json next to the binary,
/// then <c>--config FILE</c> or FILMTRIP_HOOK_CONFIG, then environment variables. The CLI's own
/// arguments never reach the configuration (only <c>--config</c> does).
/// </summary>
internal static class CliConfiguration
{
    public const string DefaultUrl = "http://localhost:5000";

    /// <summary>Throws <see cref="OptionsValidationException"/> when the file given with --config does not exist or a file is not valid JSON.</summary>
    public static IConfiguration Load(string? configFile)
    {
        var configuration = new ConfigurationManager();
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production";
        configuration.AddEnvironmentVariables("DOTNET_");
        configuration.AddEnvironmentVariables("ASPNETCORE_");
        configuration.SetBasePath(AppContext.BaseDirectory);
        JsonConfigFile.Add(configuration, Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true);
        JsonConfigFile.Add(configuration, Path.Combine(AppContext.BaseDirectory, $"appsettings.{environment}.json"), optional: true);
        configuration.AddEnvironmentVariables();
        configuration.AddHookConfigurationSources(configFile is null ? [] : ["--config", configFile]);
        return configuration;
    }

    /// <summary>Where the daemon listens: --url, else the first of its <c>Urls</c>, with a wildcard host made loopback.</summary>
    public static Uri DaemonAddress(IConfiguration configuration, string? urlOption)
    {
        var text = urlOption ?? configuration["Urls"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? DefaultUrl;
        foreach (var wildcard in new[] { "://*:", "://+:", "://0.0.0.0:" })
            text = text.Replace(wildcard, "://127.0.0.1:", StringComparison.Ordinal);
        text = text.Replace("://[::]:", "://[::1]:", StringComparison.Ordinal);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new CliFailure(ExitCodes.Usage, $"'{text}' is not an http(s) URL of the daemon (--url or Urls in the configuration)");
        return uri;
    }

    /// <summary>The API token from Hook:ApiTokenFile (read with the daemon's own checks) or Hook:ApiToken, and why it is missing.</summary>
    public static (string? Token, string? Problem) ApiToken(IConfiguration configuration)
    {
        var section = configuration.GetSection(HookOptions.SectionName);
        if (section[nameof(HookOptions.ApiTokenFile)] is { Length: > 0 } file)
        {
            var problems = new List<string>();
            var token = SecretsLoader.ReadSecretFile($"Hook:{nameof(HookOptions.ApiTokenFile)}", file, problems);
            return problems.Count == 0 ? (token, null) : (null, problems[0]);
        }
        return section[nameof(HookOptions.ApiToken)] is { Length: > 0 } inline
            ? (inline, null)
            : (null, "no API token in the configuration (Hook:ApiToken or Hook:ApiTokenFile)");
    }
}
