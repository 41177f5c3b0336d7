
namespace FilmTrip.Hook.Tests.Support;

/// <summary>
/// A temp <c>releases/&lt;id&gt;</c> + <c>current</c> symlink layout made from the sample app.
/// </summary>
public sealed class ReleaseDirectory : IDisposable
{
    public ReleaseDirectory()
    {
        Root = Directory.CreateTempSubdirectory("filmtrip-releases-").FullName;
        NginxServer.MakeReadableByWorkers(Root);
    }

    public string Root { get; }

    public string Current => Path.Combine(Root, "current");

    /// <summary>Copies samples/filmtrip/{part} to releases/{id} with the given VERSION.</summary>
    public string AddRelease(string part, string id, string version)
    {
        var release = Path.Combine(Root, "releases", id);
        CopyDirectory(Path.Combine(RepoPaths.SampleApp, part), release);
        File.WriteAllText(Path.Combine(release, "VERSION"), version + "\n");
        return release;
    }

    /// <summary>Points current at releases/{id} atomically (new link, then rename over the old one).</summary>
    public async Task SwitchToAsync(string id)
    {
        var temp = Current + ".next";
        File.Delete(temp);
        File.CreateSymbolicLink(temp, Path.Combine("releases", id));
        Assert.Equal(0, (await Programs.RunAsync("mv", ["-T", temp, Current])).ExitCode);
    }

    public static async Task RunNodeAsync(string workingDirectory, params string[] args)
    {
        var result = await Programs.RunAsync("node", args, workingDirectory);
        Assert.True(result.ExitCode == 0, $"node {string.Join(' ', args)}: {result.All}");
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);

    /// <summary>Copies a directory tree, leaving out node_modules and dist.</summary>
    public static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }

        foreach (var dir in Directory.EnumerateDirectories(source).Where(d => Path.GetFileName(d) is not ("node_modules" or "dist")))
        {
            CopyDirectory(dir, Path.Combine(destination, Path.GetFileName(dir)));
        }
    }
}
