namespace FilmTrip.Hook.Configuration;

/// <summary>Start-up checks of a service's <c>Strategy</c>, <c>BlueGreen</c> and <c>Verify</c> keys (issue #10).</summary>
internal static class StrategyValidator
{
    public static IEnumerable<string> Problems(string key, ServiceOptions s)
    {
        for (var i = 0; i < s.Verify.Count; i++)
            if (s.Verify[i].Length == 0 || string.IsNullOrWhiteSpace(s.Verify[i][0]))
                yield return $"{key}:Verify:{i}: must be a non-empty argv array like [\"node\", \"smoke.js\"]";
            else if (s.Verify[i].Length == 1 && s.Verify[i][0].Contains(' ', StringComparison.Ordinal))
                yield return $"{key}:Verify:{i}: '{s.Verify[i][0]}' looks like a shell string; give an argv array (no shell runs it)";

        if (s.Strategy != DeployStrategy.BlueGreen)
        {
            if (s.BlueGreen is not null)
                yield return $"{key}:BlueGreen: is set but Strategy is {s.Strategy}; set \"Strategy\": \"BlueGreen\" or remove it";
            if (s.Verify.Count > 0)
                yield return $"{key}:Verify: runs only under \"Strategy\": \"BlueGreen\" (a reloaded release has no stage before it takes traffic)";
            yield break;
        }
        if (s.Pm2 is null)
            yield return $"{key}:Strategy: BlueGreen is for pm2 services; a static service keeps its atomic switch";
        if (s.BlueGreen is not { } bg)
        {
            yield return $"{key}:BlueGreen: is required with \"Strategy\": \"BlueGreen\" (Ports, UpstreamFile, NginxReload)";
            yield break;
        }
        if (bg.Ports.Length != 2 || bg.Ports.Any(p => p is < 1 or > 65535) || bg.Ports[0] == bg.Ports[1])
            yield return $"{key}:BlueGreen:Ports: must be two distinct TCP ports, blue then green, like [3001, 3011]";
        if (!Path.IsPathFullyQualified(bg.UpstreamFile))
            yield return $"{key}:BlueGreen:UpstreamFile: '{bg.UpstreamFile}' must be an absolute path";
        if (!Path.IsPathFullyQualified(bg.NginxPidFile))
            yield return $"{key}:BlueGreen:NginxPidFile: '{bg.NginxPidFile}' must be an absolute path";
        if (bg.NginxReload.Length > 0 && string.IsNullOrWhiteSpace(bg.NginxReload[0]))
            yield return $"{key}:BlueGreen:NginxReload: must be an argv array like [\"systemctl\", \"reload\", \"nginx\"]";
        else if (bg.NginxReload.Length == 1 && bg.NginxReload[0].Contains(' ', StringComparison.Ordinal))
            yield return $"{key}:BlueGreen:NginxReload: '{bg.NginxReload[0]}' looks like a shell string; give an argv array (no shell runs it)";
        if (bg.Drain < TimeSpan.Zero)
            yield return $"{key}:BlueGreen:Drain: must not be negative";
        if (bg.KeepWarm < TimeSpan.Zero)
            yield return $"{key}:BlueGreen:KeepWarm: must not be negative";
    }

    /// <summary>No two services share a port, and no service's upstream file lies in another service's Root.</summary>
    public static IEnumerable<string> CrossProblems(HookOptions o)
    {
        var services = o.Services.ToList();
        foreach (var (name, s) in services)
        {
            if (s.BlueGreen is not { } bg) continue;
            foreach (var (other, so) in services.Where(x => x.Key != name))
            {
                var theirs = (so.BlueGreen?.Ports ?? []).Append(so.Port ?? 0);
                foreach (var port in bg.Ports.Intersect(theirs))
                    yield return $"Hook:Services:{name}:BlueGreen:Ports: {port} is also a port of '{other}'";
                if (Path.IsPathFullyQualified(bg.UpstreamFile) && Path.IsPathFullyQualified(so.Root)
                    && Path.GetFullPath(bg.UpstreamFile).StartsWith(Path.TrimEndingDirectorySeparator(Path.GetFullPath(so.Root)) + "/", StringComparison.Ordinal))
                    yield return $"Hook:Services:{name}:BlueGreen:UpstreamFile: '{bg.UpstreamFile}' is inside the Root of '{other}'";
            }
        }
    }
}
