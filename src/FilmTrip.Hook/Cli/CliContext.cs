using System.CommandLine;

namespace FilmTrip.Hook.Cli;

/// <summary>What every command shares: <c>--config</c>, <c>--url</c>, the console, and the daemon they point at.</summary>
internal sealed class CliContext(CliConsole console)
{
    public CliConsole Console { get; } = console;

    public Option<string> Config { get; } = new("--config")
    {
        HelpName = "FILE",
        Recursive = true,
        Description = "The daemon's configuration file (default: $FILMTRIP_HOOK_CONFIG); with appsettings.json next to the "
            + "binary and environment variables it gives the daemon's address (Urls) and the API token "
            + "(Hook:ApiToken, Hook:ApiTokenFile). A relative path is taken from the current directory.",
    };

    public Option<string> Url { get; } = new("--url")
    {
        HelpName = "URL",
        Recursive = true,
        Description = "The daemon's address (default: the first of Urls, else " + CliConfiguration.DefaultUrl + ")",
    };

    /// <summary>Every command's <c>--json</c>: the API's own record, indented on a terminal, one line when piped.</summary>
    public static Option<bool> Json(string what) => new("--json")
    {
        Description = $"Print {what} as JSON: indented on a terminal, one line when piped",
    };

    /// <summary>
    /// A positional word (SERVICE, DEPLOY_ID, COMMIT). System.CommandLine hands an unknown "--colour" to a positional
    /// argument as its value; here it is what it looks like, an unknown option.
    /// </summary>
    public static Argument<string?> Word(string name, string description, bool optional = false)
    {
        var word = new Argument<string?>(name) { Description = description, Arity = optional ? ArgumentArity.ZeroOrOne : ArgumentArity.ExactlyOne };
        word.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is ['-', ..] option) r.AddError($"unknown option '{option}'");
        });
        return word;
    }

    /// <summary>The daemon named by --url or the configuration, with the API token from the configuration.</summary>
    public DaemonClient Daemon(ParseResult parse)
    {
        var configuration = CliConfiguration.Load(parse.GetValue(Config));
        var (token, tokenProblem) = CliConfiguration.ApiToken(configuration);
        return new DaemonClient(CliConfiguration.DaemonAddress(configuration, parse.GetValue(Url)), token, tokenProblem);
    }
}
