using System.Globalization;
using FilmTrip.Hook.Configuration;

namespace FilmTrip.Hook.Deploys;

/// <summary>
/// All a child of a deploy gets (build steps, pm2, Verify, the nginx reload): PATH and HOME of the daemon, the
/// service's Environment and its PORT. Nothing else of the daemon's environment (its secrets) reaches a child.
/// </summary>
internal static class ChildEnvironment
{
    public static IReadOnlyDictionary<string, string> Of(ServiceOptions service)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = System.Environment.GetEnvironmentVariable("HOME") ?? "/",
        };
        if (service.Port is { } port) environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        foreach (var (key, value) in service.Environment) environment[key] = value;
        return environment;
    }

    /// <summary>
    /// An executable file as a child with this environment finds it: <paramref name="name"/> itself when it has a
    /// slash, else the first match on <paramref name="environment"/>'s PATH; null when there is none.
    /// </summary>
    public static string? Which(string name, IReadOnlyDictionary<string, string> environment)
    {
        var path = environment.GetValueOrDefault("PATH") ?? "";
        var candidates = name.Contains('/') ? [name] : path.Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, name));
        return candidates.FirstOrDefault(c => File.Exists(c)
            && (File.GetUnixFileMode(c) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);
    }
}
