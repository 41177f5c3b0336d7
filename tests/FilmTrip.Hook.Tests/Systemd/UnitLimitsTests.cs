using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Systemd;

/// <summary>Skipped, with the reason, where scripts/unit-limits.sh cannot run (it needs root to set up the limits).</summary>
public sealed class UnitLimitsFactAttribute : FactAttribute
{
    public UnitLimitsFactAttribute()
    {
        if (Environment.UserName != "root")
            Skip = "scripts/unit-limits.sh needs root to build the unit's sandbox";
        else if (!File.Exists("/usr/bin/systemd-analyze"))
            Skip = "systemd-analyze is not installed (apt-get install systemd)";
    }
}

/// <summary>
/// What the build steps of a deploy may do under the unit's system-call filter, namespaces and capabilities
/// (issue #11 §5), applied by scripts/unit-limits.sh as systemd would (systemd is not PID 1 here). The whole
/// push/deploy/rollback under those limits is scripts/hardened-sandbox.sh.
/// </summary>
public sealed class UnitLimitsTests
{
    private static async Task<(int ExitCode, string Output)> UnderUnitLimitsAsync(string user, string script)
    {
        var result = await Programs.RunAsync(Path.Combine(RepoPaths.Root, "scripts", "unit-limits.sh"), ["/bin/bash", "-c", script],
            environment: new Dictionary<string, string?> { ["UNIT_LIMITS_USER"] = user }, timeout: TimeSpan.FromSeconds(60));
        return (result.ExitCode, result.All);
    }

    [UnitLimitsFact]
    public async Task A_build_step_may_run_node_and_mount_an_overlay_in_its_own_user_namespace()
    {
        // The deploy user is not root: "nobody" stands in for it. Node's JIT needs W+X pages (no MemoryDenyWriteExecute=).
        var (exit, output) = await UnderUnitLimitsAsync("nobody", """
            set -e
            node -e 'let s = 0; for (let i = 0; i < 1e7; i++) s += i; console.log("node", s)'
            unshare --user --map-root-user --mount sh -c '
              mkdir -p /tmp/o/lower /tmp/o/upper /tmp/o/work /tmp/o/merged && echo live > /tmp/o/lower/file
              mount -t overlay overlay -o lowerdir=/tmp/o/lower,upperdir=/tmp/o/upper,workdir=/tmp/o/work /tmp/o/merged
              echo build >> /tmp/o/merged/file && echo "lower: $(cat /tmp/o/lower/file)"'
            echo "umask $(umask)"
            """);

        Assert.True(exit == 0, $"exit {exit}:\n{output}");
        Assert.Contains("node 49999995000000", output);
        Assert.Contains("lower: live", output);
        Assert.Contains("umask 0027", output);
    }

    [UnitLimitsFact]
    public async Task Other_namespaces_raw_sockets_capabilities_and_writes_outside_ReadWritePaths_are_refused()
    {
        var (_, output) = await UnderUnitLimitsAsync("", """
            unshare --net true 2>/dev/null || echo "net namespace refused"
            python3 -c 'import socket; socket.socket(socket.AF_PACKET, socket.SOCK_RAW)' 2>/dev/null || echo "AF_PACKET refused"
            touch /etc/filmtrip-hook-unit-limits-test 2>/dev/null || echo "/etc read-only"
            grep -q '^CapEff:.0000000000000000$' /proc/self/status && echo "no capabilities"
            grep -q '^NoNewPrivs:.1$' /proc/self/status && echo "no new privileges"
            """);

        foreach (var refused in new[] { "net namespace refused", "AF_PACKET refused", "/etc read-only", "no capabilities", "no new privileges" })
            Assert.Contains(refused, output);
        Assert.False(File.Exists("/etc/filmtrip-hook-unit-limits-test"));
    }
}
