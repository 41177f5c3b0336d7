using System.Globalization;
using FilmTrip.Hook.Processes;

namespace FilmTrip.Hook.Deploys.Dependencies;

/// <summary>
/// Runs build steps with a release's hard-linked node_modules seen through overlayfs, as Docker's overlay2 shares
/// image layers: the hard-linked tree is the read-only lower layer, and every write (a changed file is copied up
/// first, a deletion is a whiteout) lands in <c>upper</c>, a scratch directory outside the release. The mount lives
/// in a private mount namespace made for the one step's process, so nothing else ever sees it and it ends with the
/// step. <see cref="KeepBuildWrites"/> then moves what the steps wrote into the real node_modules: files shared with
/// other releases are replaced by new inodes, never written through.
/// </summary>
internal sealed class BuildOverlay(string scratch, string modules)
{
    // Positional parameters only: the step's argv reaches exec through "$@" and is never parsed by the shell. The
    // mount options name directories relative to the scratch directory, so no path needs escaping in them.
    private const string Mount =
        """cd "$1" && mount -i -t overlay filmtrip-build -o lowerdir=lower,upperdir=upper,workdir=work,userxattr "$2" && cd "$3" """;
    private const string AsRoot = Mount + """&& shift 3 && exec "$@" """;
    // An unprivileged daemon mounts as root of a new user namespace, then runs the step in a nested one that maps
    // its own uid and gid back: the step runs as the daemon's user, with no capabilities, as it would without this.
    private const string AsUser = Mount + """&& uid=$4 gid=$5 && shift 5 && exec unshare --user --map-user="$uid" --map-group="$gid" -- "$@" """;

    public string Upper => Path.Combine(scratch, "upper");

    /// <summary>Makes the scratch directory (upper and work must be on one filesystem; lower points at the hard-linked tree).</summary>
    public BuildOverlay Prepare()
    {
        ScratchDirectory.Remove(scratch);
        Directory.CreateDirectory(Upper);
        Directory.CreateDirectory(Path.Combine(scratch, "work"));
        File.CreateSymbolicLink(Path.Combine(scratch, "lower"), modules);
        return this;
    }

    /// <summary>The same step, run in its own mount namespace with the overlay mounted on node_modules.</summary>
    public CommandSpec Wrap(CommandSpec step) => Wrap(step, Native.EffectiveUserId, Native.EffectiveGroupId);

    /// <summary><see cref="Wrap(CommandSpec)"/> for a daemon running as <paramref name="uid"/>:<paramref name="gid"/>.</summary>
    internal CommandSpec Wrap(CommandSpec step, uint uid, uint gid)
    {
        string[] arguments = uid == 0
            ? ["--mount", "--propagation", "private", "--", "sh", "-c", AsRoot, "filmtrip-build-overlay", scratch, modules, step.WorkingDirectory,
                step.Executable, .. step.Arguments]
            : ["--user", "--map-root-user", "--mount", "--", "sh", "-c", AsUser, "filmtrip-build-overlay", scratch, modules, step.WorkingDirectory,
                uid.ToString(CultureInfo.InvariantCulture), gid.ToString(CultureInfo.InvariantCulture), step.Executable, .. step.Arguments];
        return step with { Executable = "unshare", Arguments = arguments };
    }

    /// <summary>Applies what the build steps wrote onto the real node_modules. Returns how many entries changed.</summary>
    public int KeepBuildWrites() => OverlayUpper.Apply(Upper, modules);

    public void Delete() => ScratchDirectory.Remove(scratch);
}
