using System.Text.Json.Nodes;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>pm2 behind a shell wrapper that can break its output once, to drive a deploy down the way back.</summary>
public static class Pm2Wrapper
{
    /// <summary>
    /// Puts the service's pm2 behind a wrapper: while the returned marker file exists, the first <c>jlist</c> after a
    /// <c>reload</c> prints a broken list, once (and deletes the marker). Returns the marker's path.
    /// </summary>
    public static string BreakJlistAfterReload(JsonObject config, string service)
    {
        var directory = Path.GetDirectoryName(config["Hook"]!["DataDirectory"]!.GetValue<string>())!;
        var wrapper = Path.Combine(directory, "pm2-wrapper.sh");
        var marker = Path.Combine(directory, "break-after-reload");
        var pm2 = config["Hook"]!["Services"]![service]!["Pm2"]!;
        File.WriteAllText(wrapper, $$"""
            #!/bin/sh
            if [ "$1" = reload ] && [ -f '{{marker}}' ]; then touch '{{marker}}.armed'; fi
            if [ "$1" = jlist ] && [ -f '{{marker}}.armed' ]; then rm -f '{{marker}}.armed' '{{marker}}'; echo '[{"name":"{{service}}","pm2_env":'; exit 0; fi
            exec '{{pm2["Executable"]!.GetValue<string>()}}' "$@"
            """);
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        pm2["Executable"] = wrapper;
        return marker;
    }
}
