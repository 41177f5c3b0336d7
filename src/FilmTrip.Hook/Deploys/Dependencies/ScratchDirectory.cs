namespace FilmTrip.Hook.Deploys.Dependencies;

/// <summary>
/// Where overlay scratch directories live: <c>Root/.deps-scratch/</c>, outside every release (a build that walks its
/// release, like tsc or a linter, must not find copied-up node_modules files) and on the releases' filesystem (what
/// the build wrote is moved into the release with rename(2)).
/// </summary>
internal static class ScratchDirectory
{
    public static string Of(ReleaseLayout layout) => Path.Combine(layout.Root, ".deps-scratch");

    /// <summary>Deletes a tree that may hold directories without permissions (overlayfs leaves its work/work at mode 000).</summary>
    public static void Remove(string path)
    {
        if (Native.KindOf(path) != EntryKind.Directory) return;
        MakeRemovable(new DirectoryInfo(path));
        Directory.Delete(path, recursive: true);
    }

    private static void MakeRemovable(DirectoryInfo directory)
    {
        directory.UnixFileMode |= UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        foreach (var child in directory.EnumerateDirectories())
            if (child.LinkTarget is null) MakeRemovable(child);
    }
}
