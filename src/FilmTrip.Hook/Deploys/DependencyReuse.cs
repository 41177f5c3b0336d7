using System.Runtime.InteropServices;
using FilmTrip.Hook.Configuration;

namespace FilmTrip.Hook.Deploys;

/// <summary>
/// When a new release's dependency files are byte-identical to the live release's, it gets its own copy of the
/// live release's <c>node_modules</c>, made of hard links (directories are new, files share their inodes), and the
/// build steps marked <c>SkipWhenDependenciesUnchanged</c> are skipped. Releases never share one node_modules
/// directory. See issue #6.
/// </summary>
internal static partial class DependencyReuse
{
    public const string ModulesDirectory = "node_modules";

    /// <summary>Tool caches inside node_modules are written in place by builds: never shared through a hard link.</summary>
    private static readonly string[] NotShared = [".cache", ".vite", ".vite-temp"];

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

    /// <summary>Recreates <paramref name="source"/>'s node_modules under <paramref name="target"/> with hard-linked files. Returns the file count.</summary>
    public static int LinkModules(string source, string target)
    {
        var from = Path.Combine(source, ModulesDirectory);
        var to = Path.Combine(target, ModulesDirectory);
        if (Directory.Exists(to)) Directory.Delete(to, recursive: true);
        return Copy(new DirectoryInfo(from), to);
    }

    private static int Copy(DirectoryInfo from, string to)
    {
        Directory.CreateDirectory(to);
        var files = 0;
        foreach (var entry in from.EnumerateFileSystemInfos())
        {
            var target = Path.Combine(to, entry.Name);
            if (entry.LinkTarget is { } linkTarget)
                File.CreateSymbolicLink(target, linkTarget);
            else if (entry is DirectoryInfo directory)
                files += NotShared.Contains(directory.Name) ? 0 : Copy(directory, target);
            else
            {
                HardLink(entry.FullName, target);
                files++;
            }
        }
        return files;
    }

    private static void HardLink(string existing, string newPath)
    {
        if (Link(existing, newPath) != 0)
            throw new IOException($"link('{existing}', '{newPath}') failed: {Marshal.GetLastPInvokeErrorMessage()}");
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string newPath);
}
