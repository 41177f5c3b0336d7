namespace FilmTrip.Hook.Tests.Support;

public static class RepoPaths
{
    /// <summary>The repository root: the directory holding FilmTrip.Hook.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The daemon built next to the tests (same configuration).</summary>
    public static string DaemonDll => Path.Combine(AppContext.BaseDirectory, "filmtrip-hook.dll");

    /// <summary>Real GitHub payloads (copied from ../shared/github-payloads with their licence, so a clean clone has them).</summary>
    public static string SharedPayloads => Path.Combine(Root, "samples", "github-payloads");

    /// <summary>The sample FilmTrip app (backend/, frontend/).</summary>
    public static string SampleApp => Path.Combine(Root, "samples", "filmtrip");

    /// <summary>The plan's nginx config as a template for a private instance.</summary>
    public static string NginxTemplate => Path.Combine(Root, "bench", "nginx", "filmtrip.conf.template");

    /// <summary>The same config with the backend upstream's server read from an upstream file (BlueGreen, issue 10).</summary>
    public static string NginxBlueGreenTemplate => Path.Combine(Root, "bench", "nginx", "filmtrip-bluegreen.conf.template");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FilmTrip.Hook.sln"))) return dir.FullName;
        throw new InvalidOperationException("FilmTrip.Hook.sln not found above " + AppContext.BaseDirectory);
    }
}
