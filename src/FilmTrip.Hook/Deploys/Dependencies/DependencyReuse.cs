using FilmTrip.Hook.Configuration;

namespace FilmTrip.Hook.Deploys.Dependencies;

/// <summary>
/// When a new release's dependency files are byte-identical to the live release's, it gets its own copy of the
/// live release's <c>node_modules</c> and the build steps marked <c>SkipWhenDependenciesUnchanged</c> are skipped
/// (issue #6). The copy is isolated: no later build step can change a file of the live release or of a kept one
/// through it (issue #11); <see cref="ModulesIsolation"/> chooses how.
/// </summary>
internal static class DependencyReuse
{
    public const string ModulesDirectory = "node_modules";

    /// <summary>Why the dependencies cannot be reused, or null when they can.</summary>
    public static string? WhyNot(ServiceOptions service, string? liveRelease, string newRelease)
    {
        if (liveRelease is null) return "no live release to reuse dependencies from";
        if (!Directory.Exists(Path.Combine(liveRelease, ModulesDirectory))) return $"the live release has no {ModulesDirectory}";
        foreach (var file in service.DependencyFiles)
        {
            var before = Path.Combine(liveRelease, file);
            var after = Path.Combine(newRelease, file);
            if (File.Exists(before) != File.Exists(after)) return $"{file} was added or removed";
            if (File.Exists(before) && !File.ReadAllBytes(before).AsSpan().SequenceEqual(File.ReadAllBytes(after)))
                return $"{file} changed";
        }
        return null;
    }

    /// <summary>Gives <paramref name="release"/> the live release's node_modules, or returns null (and says why) when it must install.</summary>
    public static async Task<ReusedModules?> ReuseAsync(DeployRun run, DeployPlan plan, string release, ModulesIsolation isolation, CancellationToken cancellationToken)
    {
        var live = plan.PreviousRelease is { } previous ? plan.Layout.PathOf(previous) : null;
        var target = plan.Layout.PathOf(release);
        if (WhyNot(plan.Service, live, target) is { } why)
        {
            run.Log.Write($"installing dependencies: {why}");
            return null;
        }
        // What a crashed deploy left there is nobody's: every use of the scratch directory holds the service lock.
        ScratchDirectory.Remove(ScratchDirectory.Of(plan.Layout));
        var choice = await isolation.ChooseAsync(plan.Layout, plan.ChildEnvironment, cancellationToken);
        var modules = Path.Combine(target, ModulesDirectory);
        if (Directory.Exists(modules)) Directory.Delete(modules, recursive: true);
        var files = ModulesTree.Recreate(Path.Combine(live!, ModulesDirectory), modules, choice.Placement);
        var verb = choice.Placement switch { FilePlacement.Reflink => "reflinked", FilePlacement.HardLink => "hard-linked", _ => "copied" };
        run.Log.Write($"dependency files unchanged: {verb} {files} files of {ModulesDirectory} from {plan.PreviousRelease} ({choice.Why})");
        var overlay = choice.Method == IsolationMethod.Overlay
            ? new BuildOverlay(Path.Combine(ScratchDirectory.Of(plan.Layout), release), modules).Prepare()
            : null;
        return new ReusedModules(overlay);
    }
}

/// <summary>A release's reused node_modules, and what the build steps that follow need done around them.</summary>
internal sealed class ReusedModules(BuildOverlay? overlay) : IDisposable
{
    /// <summary>Whether the build's writes wait in an overlay upper layer (<see cref="KeepBuildWrites"/> must run after the build).</summary>
    public bool HasPendingWrites => overlay is not null;

    /// <summary>The step as it must run so that its writes into node_modules stay in this release.</summary>
    public Processes.CommandSpec Isolate(Processes.CommandSpec step) => overlay?.Wrap(step) ?? step;

    /// <summary>Moves what the build steps wrote into the release's node_modules. Returns how many entries changed.</summary>
    public int KeepBuildWrites() => overlay?.KeepBuildWrites() ?? 0;

    public void Dispose() => overlay?.Delete();
}
