namespace FilmTrip.Hook.Deploys.Dependencies;

/// <summary>How each file of a reused node_modules reaches the new release.</summary>
internal enum FilePlacement
{
    /// <summary>A new name for the same inode: a write through it changes every release holding it.</summary>
    HardLink,
    /// <summary>A new inode sharing the data blocks until either side writes (FICLONE): isolated.</summary>
    Reflink,
    /// <summary>A new inode with its own copy of the data: isolated, and the slowest.</summary>
    Copy,
}

/// <summary>Recreates a node_modules tree: new directories, symlinks as they are, files placed one way.</summary>
internal static class ModulesTree
{
    /// <summary>Tool caches inside node_modules are the previous build's output, not dependencies: a release starts without them.</summary>
    private static readonly string[] NotReused = [".cache", ".vite", ".vite-temp"];

    /// <summary>Makes <paramref name="to"/> (which must not exist) from <paramref name="from"/>. Returns the file count.</summary>
    public static int Recreate(string from, string to, FilePlacement placement) => Recreate(new DirectoryInfo(from), to, placement);

    private static int Recreate(DirectoryInfo from, string to, FilePlacement placement)
    {
        Directory.CreateDirectory(to);
        var files = 0;
        foreach (var entry in from.EnumerateFileSystemInfos())
        {
            var target = Path.Combine(to, entry.Name);
            if (entry.LinkTarget is { } linkTarget)
                File.CreateSymbolicLink(target, linkTarget);
            else if (entry is DirectoryInfo directory)
                files += NotReused.Contains(directory.Name) ? 0 : Recreate(directory, target, placement);
            else
            {
                Place(entry.FullName, target, placement);
                files++;
            }
        }
        return files;
    }

    private static void Place(string source, string target, FilePlacement placement)
    {
        switch (placement)
        {
            case FilePlacement.HardLink: Native.HardLink(source, target); break;
            case FilePlacement.Reflink: Reflink(source, target); break;
            default: File.Copy(source, target); break;
        }
    }

    private static void Reflink(string source, string target)
    {
        if (TryReflink(source, target) is { } error)
            throw new IOException($"cloning '{source}' to '{target}' failed: {error}");
    }

    /// <summary>Clones one file with its mode. Returns null, or why the filesystem refused (FICLONE's error).</summary>
    public static string? TryReflink(string source, string target)
    {
        using var from = File.OpenHandle(source);
        var mode = File.GetUnixFileMode(from);
        using var to = new FileStream(target, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode });
        if (Native.Clone(from, to.SafeFileHandle) is { } error) return error;
        File.SetUnixFileMode(to.SafeFileHandle, mode); // the create mode went through the umask
        return null;
    }
}
