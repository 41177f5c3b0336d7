using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Configuration;

/// <summary>
/// Reads each service's "Build" list, which accepts two shapes:
/// an argv array <c>["npm","ci"]</c> or <c>{ "Run": ["npm","ci"], "SkipWhenDependenciesUnchanged": true }</c>.
/// A plain string ("npm ci &amp;&amp; npm run build") is refused: build steps never go through a shell.
/// </summary>
internal sealed class BuildStepsBinder(IConfiguration configuration) : IPostConfigureOptions<HookOptions>
{
    public void PostConfigure(string? name, HookOptions options)
    {
        // The binder silently drops a service holding a value of the wrong type ("StepTimeout": "ten minutes").
        foreach (var section in configuration.GetSection($"{HookOptions.SectionName}:Services").GetChildren())
            if (!options.Services.ContainsKey(section.Key))
                options.LoadProblems.Add(WhyUnreadable(section));

        foreach (var (service, settings) in options.Services)
        {
            var section = configuration.GetSection($"{HookOptions.SectionName}:Services:{service}:Build");
            settings.Build = Read(section, service, settings.BindingProblems);
        }
    }

    internal static List<BuildStep> Read(IConfigurationSection section, string service, List<string> problems)
    {
        var steps = new List<BuildStep>();
        // "Build": "npm ci && npm run build" has a value and no children: without this check it bound as "no build at all".
        if (!string.IsNullOrEmpty(section.Value))
        {
            problems.Add($"Hook:Services:{service}:Build: must be a list of argv arrays such as [[\"npm\", \"ci\"]], not the string \"{section.Value}\" (build steps never run through a shell)");
            return steps;
        }

        foreach (var (index, step) in OrderedChildren(section))
        {
            var key = $"Hook:Services:{service}:Build:{index}";
            if (step.Value is not null)
            {
                problems.Add($"{key}: a build step must be an argv array such as [\"npm\", \"ci\"], not the string \"{step.Value}\" (build steps never run through a shell)");
                continue;
            }

            var children = step.GetChildren().ToList();
            var isArgv = children.Count > 0 && children.All(c => int.TryParse(c.Key, out _));
            var argvSection = isArgv ? step : step.GetSection("Run");
            var argv = OrderedChildren(argvSection).Select(c => c.Child.Value).ToList();
            if (argv.Count == 0 || argv.Any(a => a is null))
            {
                problems.Add($"{key}: a build step must be a non-empty argv array of strings, or an object with \"Run\": [argv...]");
                continue;
            }

            var skip = !isArgv && bool.TryParse(step["SkipWhenDependenciesUnchanged"], out var s) && s;
            steps.Add(new BuildStep { Run = argv.Select(a => a!).ToArray(), SkipWhenDependenciesUnchanged = skip });
        }

        return steps;
    }

    private static string WhyUnreadable(IConfigurationSection service)
    {
        try
        {
            service.Get<ServiceOptions>();
            return $"{service.Path}: could not be read";
        }
        catch (InvalidOperationException e)
        {
            return $"{service.Path}: {e.Message} (times are hh:mm:ss, numbers plain digits)";
        }
    }

    private static IEnumerable<(int Index, IConfigurationSection Child)> OrderedChildren(IConfigurationSection section) =>
        section.GetChildren()
            .Select(c => (Index: int.TryParse(c.Key, out var i) ? i : -1, Child: c))
            .OrderBy(c => c.Index);
}
