using System.Globalization;
using System.Text.RegularExpressions;

namespace FilmTrip.Hook.Deploys;

/// <summary>
/// A service's directories: <c>Root/releases/&lt;yyyyMMddHHmmss&gt;-&lt;sha12&gt;/</c>, <c>Root/shared/</c>,
/// and <c>Root/current</c>, a relative symlink to the live release. Nothing here touches anything outside Root.
/// </summary>
public sealed partial class ReleaseLayout(string root)
{
    public string Root { get; } = root;
    public string ReleasesDirectory => Path.Combine(Root, "releases");
    public string SharedDirectory => Path.Combine(Root, "shared");
    public string CurrentLink => Path.Combine(Root, "current");

    public static string NewReleaseId(DateTimeOffset at, string sha) =>
        at.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + sha[..12];

    public static bool IsReleaseId(string name) => ReleaseName().IsMatch(name);

    /// <summary>The sha12 a release id ends with.</summary>
    public static string ShortShaOf(string releaseId) => releaseId[^12..];

    public string PathOf(string releaseId) => Path.Combine(ReleasesDirectory, releaseId);

    /// <summary>The release <c>current</c> points at, or null when nothing is live.</summary>
    public string? CurrentRelease()
    {
        var target = new FileInfo(CurrentLink).LinkTarget;
        if (target is null) return null;
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(target));
        return IsReleaseId(name) && Directory.Exists(PathOf(name)) ? name : null;
    }

    /// <summary>Kept releases, newest first (two releases made in the same second are told apart by creation time).</summary>
    public IReadOnlyList<string> Releases() =>
        Directory.Exists(ReleasesDirectory)
            ? new DirectoryInfo(ReleasesDirectory).EnumerateDirectories().Where(d => IsReleaseId(d.Name))
                .OrderByDescending(d => d.Name[..14], StringComparer.Ordinal).ThenByDescending(d => d.CreationTimeUtc)
                .Select(d => d.Name).ToList()
            : [];

    /// <summary>
    /// Points <c>current</c> at a release atomically: a new symlink next to it, rename(2) over it, fsync the directory.
    /// A reader sees either the old target or the new one, never a missing link.
    /// </summary>
    public void Switch(string releaseId)
    {
        if (!Directory.Exists(PathOf(releaseId)))
            throw new DirectoryNotFoundException($"release {releaseId} does not exist under {ReleasesDirectory}");
        var temporary = Path.Combine(Root, $".current-{Guid.NewGuid():N}");
        File.CreateSymbolicLink(temporary, Path.Combine("releases", releaseId));
        try
        {
            Native.Rename(temporary, CurrentLink);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
        Native.FsyncDirectory(Root);
    }

    /// <summary>Removes <c>current</c> (used when a first deploy fails and there is nothing to go back to).</summary>
    public void RemoveCurrent()
    {
        if (new FileInfo(CurrentLink).LinkTarget is not null) File.Delete(CurrentLink);
    }

    /// <summary>Deletes releases beyond the newest <paramref name="keep"/>, never the protected ones (current and the one before it).</summary>
    public IReadOnlyList<string> Prune(int keep, params string?[] protectedReleases)
    {
        var removed = new List<string>();
        foreach (var release in Releases().Skip(keep))
        {
            if (protectedReleases.Contains(release)) continue;
            Delete(release);
            removed.Add(release);
        }
        return removed;
    }

    /// <summary>Where deleted releases wait to be removed (same filesystem: moving one there is a rename).</summary>
    public string TrashDirectory => Path.Combine(Root, ".trash");

    /// <summary>Takes a release out of <c>releases/</c> at once (a rename); <see cref="EmptyTrash"/> removes it from disk.</summary>
    public void Delete(string releaseId)
    {
        var path = PathOf(releaseId);
        if (!Directory.Exists(path)) return;
        Directory.CreateDirectory(TrashDirectory);
        Directory.Move(path, Path.Combine(TrashDirectory, $"{releaseId}-{Guid.NewGuid():N}"));
    }

    /// <summary>
    /// Removes what <see cref="Delete"/> set aside, including what a crash left there. Never throws: what cannot be
    /// removed stays for the next run, and each such entry comes back as "path: reason" for the caller to log.
    /// </summary>
    public IReadOnlyList<string> EmptyTrash()
    {
        if (!Directory.Exists(TrashDirectory)) return [];
        var failures = new List<string>();
        foreach (var entry in Directory.EnumerateFileSystemEntries(TrashDirectory))
        {
            try
            {
                TreeRemover.Remove(entry);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures.Add($"{entry}: {e.Message}");
            }
        }
        return failures;
    }

    [GeneratedRegex("^[0-9]{14}-[0-9a-f]{12}\\z")]
    private static partial Regex ReleaseName();
}
