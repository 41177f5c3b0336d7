namespace FilmTrip.Hook.Deploys.Dependencies;

/// <summary>
/// Folds an overlayfs upper directory into the directory it was the upper layer of, entry by entry, as the merged
/// view showed it (https://docs.kernel.org/filesystems/overlayfs.html): a whiteout (character device 0/0) deletes,
/// an opaque directory replaces, any other directory merges, and a file or symlink replaces by rename(2), so a
/// hard-linked file of another release is unlinked here, never written. Costs what the build wrote, not the tree.
/// </summary>
internal static class OverlayUpper
{
    public static int Apply(string upper, string lower)
    {
        var changed = 0;
        foreach (var entry in new DirectoryInfo(upper).EnumerateFileSystemInfos())
        {
            var target = Path.Combine(lower, entry.Name);
            switch (Native.KindOf(entry.FullName))
            {
                case EntryKind.Whiteout:
                    Remove(target);
                    changed++;
                    break;
                case EntryKind.Directory:
                    if (Native.IsOpaque(entry.FullName) || Native.KindOf(target) != EntryKind.Directory)
                    {
                        Remove(target);
                        changed++;
                    }
                    Directory.CreateDirectory(target);
                    File.SetUnixFileMode(target, File.GetUnixFileMode(entry.FullName));
                    changed += Apply(entry.FullName, target);
                    break;
                default:
                    if (Native.KindOf(target) == EntryKind.Directory) Remove(target);
                    Native.RemoveOverlayAttributes(entry.FullName);
                    Native.Rename(entry.FullName, target);
                    changed++;
                    break;
            }
        }
        return changed;
    }

    private static void Remove(string path)
    {
        switch (Native.KindOf(path))
        {
            case EntryKind.Missing: return;
            case EntryKind.Directory: ScratchDirectory.Remove(path); return;
            default: File.Delete(path); return;
        }
    }
}
