using FilmTrip.Hook.Configuration;
using Microsoft.Extensions.FileSystemGlobbing;

namespace FilmTrip.Hook.Deploys;

/// <summary>Whether a change touches a service: any changed repository path matching one of its <c>Paths</c> globs.</summary>
internal static class PathFilter
{
    public static IReadOnlyList<string> Matching(ServiceOptions service, IEnumerable<string> changedPaths)
    {
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddIncludePatterns(service.Paths);
        return changedPaths.Where(p => matcher.Match(p).HasMatches).ToList();
    }
}
