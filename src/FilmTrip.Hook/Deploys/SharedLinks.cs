using FilmTrip.Hook.Configuration;

namespace FilmTrip.Hook.Deploys;

/// <summary>Links <c>Root/shared/&lt;path&gt;</c> into a release for each SharedFiles / SharedDirectories entry.</summary>
internal static class SharedLinks
{
    public static void Link(ServiceOptions service, ReleaseLayout layout, string release, Action<string> log)
    {
        foreach (var directory in service.SharedDirectories)
        {
            var shared = Path.Combine(layout.SharedDirectory, directory);
            Directory.CreateDirectory(shared);
            Replace(layout, release, directory, shared, log);
        }
        foreach (var file in service.SharedFiles)
        {
            var shared = Path.Combine(layout.SharedDirectory, file);
            if (!File.Exists(shared))
                throw new DeployFailedException($"shared file {shared} does not exist; create it before deploying (SharedFiles: {file})");
            Replace(layout, release, file, shared, log);
        }
    }

    private static void Replace(ReleaseLayout layout, string release, string relative, string shared, Action<string> log)
    {
        var inRelease = Path.Combine(layout.PathOf(release), relative);
        Directory.CreateDirectory(Path.GetDirectoryName(inRelease)!);
        if (Directory.Exists(inRelease) && new DirectoryInfo(inRelease).LinkTarget is null) Directory.Delete(inRelease, recursive: true);
        else if (File.Exists(inRelease) || new FileInfo(inRelease).LinkTarget is not null) File.Delete(inRelease);
        File.CreateSymbolicLink(inRelease, shared);
        log($"linked {relative} -> {shared}");
    }
}
