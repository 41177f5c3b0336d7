using System.CommandLine;
using FilmTrip.Hook.Configuration;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Cli;

/// <summary>
/// <c>filmtrip-hook check-config [--config FILE] [--json]</c>: binds the configuration exactly as the daemon does
/// (same sources, same post-configuration, same validator), then checks the host (<see cref="HostChecks"/>).
/// One line per problem; exit 0 only when clean.
/// </summary>
internal static class CheckConfigCommand
{
    /// <summary>The <c>--json</c> answer: what the text lines say.</summary>
    public sealed record Report(bool Ok, int Services, IReadOnlyList<string> Problems);

    public static Command Create(CliContext cli)
    {
        var json = CliContext.Json("the result ({ok, services, problems})");
        var command = new Command("check-config",
            "Read the configuration exactly as the daemon does (appsettings.json next to the binary, --config FILE or "
            + "$FILMTRIP_HOOK_CONFIG, environment variables) and run every start-up check, plus: DataDirectory and each "
            + "service's Root writable (or their nearest existing parent), the pm2 executable present and a pm2 daemon "
            + "answering in each pm2 service's PM2_HOME (never starting one). One line per problem; exit 0 only when clean. "
            + "Run it as the daemon's user.") { json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (options, problems) = Bind(parse.GetValue(cli.Config));
            if (options is not null)
                problems.AddRange(await HostChecks.ProblemsAsync(options, cancellationToken));
            if (parse.GetValue(json))
                cli.Console.Json(new Report(problems.Count == 0, options?.Services.Count ?? 0, problems));
            else if (problems.Count == 0)
                await cli.Console.Out.WriteLineAsync($"configuration OK: {options!.Services.Count} service{(options.Services.Count == 1 ? "" : "s")}");
            else
            {
                foreach (var problem in problems) await cli.Console.Out.WriteLineAsync(problem);
                await cli.Console.Error.WriteLineAsync($"filmtrip-hook: configuration has {problems.Count} problem{(problems.Count == 1 ? "" : "s")}");
            }
            return problems.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    /// <summary>The options as the daemon would see them, and every start-up problem (null options when they cannot be bound).</summary>
    internal static (HookOptions? Options, List<string> Problems) Bind(string? configFile)
    {
        IConfiguration configuration;
        try
        {
            configuration = CliConfiguration.Load(configFile);
        }
        catch (OptionsValidationException e)
        {
            return (null, e.Failures.ToList());
        }

        var services = new ServiceCollection().AddSingleton(configuration).AddHookOptions();
        using var provider = services.BuildServiceProvider();
        // The daemon's own factory, minus validation: validation runs below so every problem is listed, not thrown.
        var factory = new OptionsFactory<HookOptions>(
            provider.GetServices<IConfigureOptions<HookOptions>>(), provider.GetServices<IPostConfigureOptions<HookOptions>>(), []);
        HookOptions options;
        try
        {
            options = factory.Create(Options.DefaultName);
        }
        catch (InvalidOperationException e)
        {
            // The binder refuses a value it cannot convert ("StepTimeout": "ten minutes"); the daemon would not start either.
            return (null, [$"configuration error: {e.Message}" + (e.InnerException is { } inner ? $" ({inner.Message})" : "")]);
        }

        var problems = provider.GetServices<IValidateOptions<HookOptions>>()
            .Select(v => v.Validate(Options.DefaultName, options))
            .Where(r => r.Failed)
            .SelectMany(r => r.Failures ?? [])
            .ToList();
        return (options, problems);
    }
}
