using LibGit2Sharp;

namespace FilmTrip.Hook.Git;

/// <summary>Writes a git tree to disk: files with their executable bit, symlinks as symlinks, no .git.</summary>
internal static class TreeWriter
{
    public static void Write(Tree tree, string destination)
    {
        foreach (var entry in tree)
        {
            var path = Path.Combine(destination, entry.Name);
            switch (entry.TargetType)
            {
                case TreeEntryTargetType.Tree:
                    Directory.CreateDirectory(path);
                    Write((Tree)entry.Target, path);
                    break;
                case TreeEntryTargetType.Blob when entry.Mode == Mode.SymbolicLink:
                    File.CreateSymbolicLink(path, ((Blob)entry.Target).GetContentText().TrimEnd('\n'));
                    break;
                case TreeEntryTargetType.Blob:
                    WriteBlob((Blob)entry.Target, path, executable: entry.Mode == Mode.ExecutableFile);
                    break;
                // Submodules (GitLink) are not part of a release: their content lives in another repository.
            }
        }
    }

    private static void WriteBlob(Blob blob, string path, bool executable)
    {
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        if (executable) mode |= UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        using var content = blob.GetContentStream();
        using var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode,
        });
        content.CopyTo(file);
    }
}
