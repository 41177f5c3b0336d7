namespace FilmTrip.Hook.Deploys;

/// <summary>
/// Deletes a directory tree without ever following a symlink: a release links <c>shared/uploads</c> and other
/// shared paths, and a walk through them would chmod or delete shared data, and loop on a cycle. See issue #11.
/// </summary>
internal static class TreeRemover
{
    public static void Remove(string path)
    {
        var info = new DirectoryInfo(path);
        if (info.LinkTarget is not null || !info.Exists)
        {
            File.Delete(path);
            return;
        }
        RemoveDirectory(info);
    }

    private static void RemoveDirectory(DirectoryInfo directory)
    {
        // Build output can be read-only (npm caches do this): make each real directory writable before emptying it.
        directory.UnixFileMode |= UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        foreach (var entry in directory.EnumerateFileSystemInfos())
        {
            // On Unix the enumeration marks a symlink (to a file or a directory) as a reparse point: unlink it, never enter it.
            if (entry is DirectoryInfo child && !entry.Attributes.HasFlag(FileAttributes.ReparsePoint)) RemoveDirectory(child);
            else File.Delete(entry.FullName);
        }
        directory.Delete(recursive: false);
    }
}
