using System.Collections.Concurrent;
using FilmTrip.Hook.Processes;

namespace FilmTrip.Hook.Deploys.Dependencies;

/// <summary>How a new release gets the live release's node_modules without sharing a writable file with it (issue #11).</summary>
internal enum IsolationMethod
{
    /// <summary>Every file cloned (FICLONE): isolated by the filesystem.</summary>
    Reflink,
    /// <summary>Hard links, with the build steps writing into an overlayfs upper layer (<see cref="BuildOverlay"/>).</summary>
    Overlay,
    /// <summary>Every file copied: isolated, and seconds for a large tree.</summary>
    Copy,
}

internal sealed record IsolationChoice(IsolationMethod Method, string Why)
{
    public FilePlacement Placement => Method switch
    {
        IsolationMethod.Reflink => FilePlacement.Reflink,
        IsolationMethod.Overlay => FilePlacement.HardLink,
        _ => FilePlacement.Copy,
    };
}

/// <summary>
/// Chooses, once per Root, the cheapest isolated way this machine offers, by trying each on probe files in the
/// Root's scratch directory: reflinks where the filesystem has them (btrfs, xfs with reflink=1), else overlayfs in
/// a private namespace where the kernel and the unit allow one, else a full copy. Calls for one Root are serialized
/// by its service's lock.
/// </summary>
internal sealed partial class ModulesIsolation(ICommandRunner commands, ILogger<ModulesIsolation> logger)
{
    private readonly ConcurrentDictionary<string, IsolationChoice> _choices = new(StringComparer.Ordinal);

    internal async Task<IsolationChoice> ChooseAsync(ReleaseLayout layout, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        if (_choices.TryGetValue(layout.Root, out var known)) return known;
        var probe = Path.Combine(ScratchDirectory.Of(layout), "probe");
        ScratchDirectory.Remove(probe);
        Directory.CreateDirectory(probe);
        IsolationChoice choice;
        try
        {
            choice = WhyNoReflink(probe) is not { } noReflink
                ? new IsolationChoice(IsolationMethod.Reflink, "the filesystem clones files (FICLONE)")
                : await WhyNoOverlayAsync(probe, environment, cancellationToken) is not { } noOverlay
                    ? new IsolationChoice(IsolationMethod.Overlay, $"no reflinks ({noReflink}); build steps write into an overlayfs upper layer")
                    : new IsolationChoice(IsolationMethod.Copy, $"no reflinks ({noReflink}) and no overlayfs in a private namespace ({noOverlay}): copying every file");
        }
        finally
        {
            ScratchDirectory.Remove(probe);
        }
        if (choice.Method == IsolationMethod.Copy) Log.Copying(logger, layout.Root, choice.Why);
        else Log.Chosen(logger, layout.Root, choice.Method, choice.Why);
        return _choices[layout.Root] = choice;
    }

    private static string? WhyNoReflink(string probe)
    {
        var source = Path.Combine(probe, "reflink-source");
        File.WriteAllText(source, "probe");
        return ModulesTree.TryReflink(source, Path.Combine(probe, "reflink-clone")) is { } error ? $"FICLONE: {error}" : null;
    }

    /// <summary>Runs a real write through <see cref="BuildOverlay"/> and checks it landed in upper only.</summary>
    private async Task<string?> WhyNoOverlayAsync(string probe, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var modules = Path.Combine(probe, "node_modules");
        Directory.CreateDirectory(modules);
        File.WriteAllText(Path.Combine(modules, "file"), "lower");
        var overlay = new BuildOverlay(Path.Combine(probe, "overlay"), modules).Prepare();
        var step = overlay.Wrap(new CommandSpec("sh", ["-c", "echo upper > node_modules/file"], probe, environment, TimeSpan.FromSeconds(30)));
        var output = new List<string>();
        CommandResult result;
        try
        {
            result = await commands.RunAsync(step, line => { lock (output) output.Add(line); }, cancellationToken);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"unshare could not be started: {e.InnerException?.Message ?? e.Message}";
        }
        var upper = Path.Combine(overlay.Upper, "file");
        if (result.Succeeded && File.ReadAllText(Path.Combine(modules, "file")) == "lower" && File.Exists(upper))
            return null;
        return $"exit {result.ExitCode}: {string.Join(" / ", output.TakeLast(3))}";
    }

    private static partial class Log
    {
        [LoggerMessage(3501, LogLevel.Information, "Reused node_modules under {Root} are isolated by {Method}: {Why}")]
        public static partial void Chosen(ILogger logger, string root, IsolationMethod method, string why);

        [LoggerMessage(3502, LogLevel.Warning, "Reused node_modules under {Root} are copied in full, which takes seconds for a large tree: {Why}")]
        public static partial void Copying(ILogger logger, string root, string why);
    }
}
