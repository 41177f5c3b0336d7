using System.Diagnostics;
using FilmTrip.Hook.Deploys;
using FilmTrip.Hook.Deploys.Dependencies;
using FilmTrip.Hook.Processes;
using FilmTrip.Hook.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace FilmTrip.Hook.Tests.Deploys;

/// <summary>
/// Issue #11 point 7, below the daemon: the overlay a build step runs in, as the unprivileged user the daemon runs
/// as in production (nobody, through setpriv, when the tests run as root), with real unshare, mount and overlayfs.
/// </summary>
public sealed class BuildOverlayTests : IDisposable
{
    private const uint Nobody = 65534;
    private readonly TempDirectory _temp = new("overlay");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task An_unprivileged_build_writes_only_into_its_own_release()
    {
        var live = _temp.Combine("live", "node_modules");
        Write(live, "a/append.js", "append"); Write(live, "a/rewrite.js", "rewrite"); Write(live, "a/remove.js", "remove");
        Write(live, "a/mode.js", "mode"); Write(live, "a/keep.js", "keep"); Write(live, "gone/x.js", "x"); Write(live, "remade/old.js", "old");
        var release = _temp.Combine("release");
        var modules = Path.Combine(release, "node_modules");
        ModulesTree.Recreate(live, modules, FilePlacement.HardLink);
        var overlay = new BuildOverlay(_temp.Combine("scratch"), modules).Prepare();
        var before = Snapshot(live);
        var root = Environment.UserName == "root";
        if (root) DependencyWorld.Run(_temp.Path, "chown", "-R", $"{Nobody}:{Nobody}", _temp.Path);

        var step = new CommandSpec("sh", ["-c", """
            set -e
            echo more >> node_modules/a/append.js
            printf new > node_modules/a/rewrite.js
            rm node_modules/a/remove.js
            chmod +x node_modules/a/mode.js
            rm -r node_modules/gone
            rm -r node_modules/remade && mkdir node_modules/remade && echo fresh > node_modules/remade/only.js
            mkdir -p node_modules/.prisma/client && echo generated > node_modules/.prisma/client/index.js
            id -u > whoami
            """], release, new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH")! }, TimeSpan.FromMinutes(1));
        var wrapped = root ? overlay.Wrap(step, Nobody, Nobody) : overlay.Wrap(step);
        if (root) wrapped = wrapped with { Executable = "setpriv", Arguments = [$"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "--", wrapped.Executable, .. wrapped.Arguments] };
        var output = new List<string>();
        var result = await new CliWrapCommandRunner().RunAsync(wrapped, line => { lock (output) output.Add(line); }, CancellationToken.None);
        Assert.True(result.Succeeded, string.Join('\n', output));
        Assert.Equal(before, Snapshot(live));
        overlay.KeepBuildWrites();
        overlay.Delete();

        Assert.Equal(before, Snapshot(live));
        // The step ran as the daemon's user, not as root of its namespace.
        Assert.Equal(root ? $"{Nobody}" : DependencyWorld.Run(release, "id", "-u").Trim(), File.ReadAllText(Path.Combine(release, "whoami")).Trim());
        Assert.Equal(new Dictionary<string, string>
        {
            ["a/append.js"] = "600 appendmore\n", ["a/rewrite.js"] = "600 new", ["a/mode.js"] = "700 mode", ["a/keep.js"] = "600 keep",
            ["remade/only.js"] = "600 fresh\n", [".prisma/client/index.js"] = "600 generated\n",
        }, Snapshot(modules).ToDictionary(e => e.Key, e => e.Value[(e.Value.IndexOf(' ') + 1)..]));
        Assert.Equal(DependencyWorld.Inode(Path.Combine(live, "a/keep.js")), DependencyWorld.Inode(Path.Combine(modules, "a/keep.js")));
        Assert.False(Directory.Exists(_temp.Combine("scratch")));
    }

    [Fact]
    public async Task Without_reflinks_or_namespaces_reuse_falls_back_to_a_full_copy_and_says_why()
    {
        // tmpfs never clones files; the runner stands in for a unit whose RestrictNamespaces= refuses unshare.
        using var shm = new ShmDirectory();
        var isolation = new ModulesIsolation(new RefusingRunner(), NullLogger<ModulesIsolation>.Instance);

        var choice = await isolation.ChooseAsync(new ReleaseLayout(shm.Path), new Dictionary<string, string>(), CancellationToken.None);

        Assert.Equal(IsolationMethod.Copy, choice.Method);
        Assert.Contains("no reflinks", choice.Why);
        Assert.Contains("unshare: unshare failed: Operation not permitted", choice.Why);
        Assert.Equal(FilePlacement.Copy, choice.Placement);
    }

    private sealed class RefusingRunner : ICommandRunner
    {
        public Task<CommandResult> RunAsync(CommandSpec spec, Action<string> output, CancellationToken cancellationToken, Action<string>? errorOutput = null)
        {
            output("unshare: unshare failed: Operation not permitted");
            return Task.FromResult(new CommandResult(1, TimeSpan.Zero, TimedOut: false));
        }
    }

    private sealed class ShmDirectory : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine("/dev/shm", $"fth-{Guid.NewGuid():N}");
        public ShmDirectory() => Directory.CreateDirectory(Path);
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    private static void Write(string root, string relative, string content)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>Every file under <paramref name="root"/>: inode, mode (user bits, octal) and content.</summary>
    private static SortedDictionary<string, string> Snapshot(string root) => new(
        Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/'),
                f => $"{DependencyWorld.Inode(f)} {((int)File.GetUnixFileMode(f) >> 6) & 7}00 {File.ReadAllText(f)}"), StringComparer.Ordinal);
}
