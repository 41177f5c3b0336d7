using FilmTrip.Hook.Configuration;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Cli;

/// <summary>
/// <c>filmtrip-hook check-config [--config FILE]</c>: binds the configuration exactly as the daemon does
/// (same sources, same post-configuration, same validator), then checks the host (<see cref="HostChecks"/>).
/// One line per problem; exit 0 only when clean.
/// </summary>
internal static class CheckConfigCommand
{
    public static readonly CommandShape Shape = new("check-config", [], [], 0, 0);

    public static async Task<int> RunAsync(CliArguments args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var (options, problems) = Bind(args.Value("config"));
        if (options is not null)
            problems.AddRange(await HostChecks.ProblemsAsync(options, cancellationToken));

        foreach (var problem in problems) output.WriteLine(problem);
        if (problems.Count > 0)
        {
            error.WriteLine($"filmtrip-hook: configuration has {problems.Count} problem{(problems.Count == 1 ? "" : "s")}");
            return ExitCodes.Failed;
        }
        output.WriteLine($"configuration OK: {options!.Services.Count} service{(options.Services.Count == 1 ? "" : "s")}");
        return ExitCodes.Ok;
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
