using System.Globalization;
using System.Text.RegularExpressions;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Systemd;

/// <summary>Skipped, with the reason, on a machine without systemd-analyze (.ci/run installs it).</summary>
public sealed class SystemdAnalyzeFactAttribute : FactAttribute
{
    public SystemdAnalyzeFactAttribute()
    {
        if (!File.Exists("/usr/bin/systemd-analyze") && !File.Exists("/bin/systemd-analyze"))
            Skip = "systemd-analyze is not installed (apt-get install systemd)";
    }
}

/// <summary>The shipped unit (issue #11 §5): hardened to an exposure of 3.0 or lower, and not restarted on exit 2.</summary>
public sealed partial class UnitSecurityTests
{
    private static readonly string Unit = Path.Combine(RepoPaths.Root, "systemd", "filmtrip-hook.service");

    [SystemdAnalyzeFact]
    public async Task The_unit_rates_3_0_or_lower_in_systemd_analyze_security()
    {
        var output = (await Programs.RunAsync("systemd-analyze", ["security", "--offline=true", "--no-pager", Unit])).All;

        var match = Exposure().Match(output);
        Assert.True(match.Success, $"no overall exposure in:\n{output}");
        var exposure = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(exposure <= 3.0, $"exposure {exposure} > 3.0:\n{output}");
    }

    [Fact]
    public void The_unit_keeps_what_node_builds_need_and_does_not_restart_on_exit_2()
    {
        var lines = File.ReadAllLines(Unit).Select(l => l.Trim()).ToList();

        Assert.Contains("RestartPreventExitStatus=2", lines);
        // V8's JIT needs W+X pages; build steps may need user and mount namespaces.
        Assert.DoesNotContain(lines, l => l.StartsWith("MemoryDenyWriteExecute=", StringComparison.Ordinal));
        var namespaces = Assert.Single(lines, l => l.StartsWith("RestrictNamespaces=", StringComparison.Ordinal));
        Assert.StartsWith("RestrictNamespaces=~", namespaces);
        Assert.DoesNotContain("user", namespaces);
        Assert.DoesNotContain("mnt", namespaces);
    }

    [GeneratedRegex(@"Overall exposure level for \S+: (\d+\.\d+)")]
    private static partial Regex Exposure();
}
