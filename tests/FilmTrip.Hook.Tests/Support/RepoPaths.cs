namespace FilmTrip.Hook.Tests.Support;

/// <summary>Paths inside this repository, found from the test assembly's folder.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    public static string SampleApp => Path.Combine(Root, "samples", "filmtrip");

    public static string NginxTemplate => Path.Combine(Root, "bench", "nginx", "filmtrip.conf.template");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FilmTrip.Hook.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No FilmTrip.Hook.sln above {AppContext.BaseDirectory}.");
    }
}
