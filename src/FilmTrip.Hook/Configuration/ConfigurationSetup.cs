using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Configuration;

public static class ConfigurationSetup
{
    public const string ConfigEnvironmentVariable = "FILMTRIP_HOOK_CONFIG";

    /// <summary>
    /// Settings come from appsettings.json, then the file named by <c>--config &lt;path&gt;</c> or FILMTRIP_HOOK_CONFIG,
    /// then environment variables (Hook__WebhookSecret), then the command line.
    /// </summary>
    public static void AddHookConfigurationSources(this ConfigurationManager configuration, string[] args)
    {
        var extra = ExtraConfigFile(args);
        if (extra is null) return;
        // Relative to the caller's directory (dotnet run starts us there too: RunWorkingDirectory in the csproj);
        // the error names the absolute path tried, so a wrong guess about "relative to what" is visible at once.
        var path = Path.GetFullPath(extra);
        if (!File.Exists(path))
            throw new OptionsValidationException(HookOptions.SectionName, typeof(HookOptions),
                [$"--config: configuration file '{path}' does not exist" + (path == extra ? "" : $" ('{extra}' from {Environment.CurrentDirectory})")]);
        JsonConfigFile.Add(configuration, path, optional: false);
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine(args.Where((a, i) => a != "--config" && (i == 0 || args[i - 1] != "--config")).ToArray());
    }

    public static string? ExtraConfigFile(string[] args)
    {
        var index = Array.IndexOf(args, "--config");
        if (index >= 0 && index + 1 < args.Length) return args[index + 1];
        var inline = args.FirstOrDefault(a => a.StartsWith("--config=", StringComparison.Ordinal));
        if (inline is not null) return inline["--config=".Length..];
        var fromEnvironment = Environment.GetEnvironmentVariable(ConfigEnvironmentVariable);
        return string.IsNullOrEmpty(fromEnvironment) ? null : fromEnvironment;
    }

    public static IServiceCollection AddHookOptions(this IServiceCollection services)
    {
        services.AddOptions<HookOptions>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                // Unknown keys and values of the wrong type, all at once; binding then skips the values that would not convert.
                var section = configuration.GetSection(HookOptions.SectionName);
                var shape = ConfigurationShape.Check(section, typeof(HookOptions));
                options.LoadProblems.AddRange(shape.Problems);
                try
                {
                    shape.Bindable(section).Bind(options);
                }
                catch (InvalidOperationException e)
                {
                    // A value of the wrong type ("StepTimeout": "ten minutes"): the binder names the key; report it
                    // with the other problems instead of crashing with a stack trace.
                    options.LoadProblems.Add(e.Message);
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<HookOptions>, BuildStepsBinder>();
        services.AddSingleton<IPostConfigureOptions<HookOptions>, SecretsLoader>();
        services.AddSingleton<IValidateOptions<HookOptions>, HookOptionsValidator>();
        return services;
    }
}
