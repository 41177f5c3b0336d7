using System.Collections.Concurrent;
using FilmTrip.Hook.Processes;

namespace FilmTrip.Hook.Tests.InProcess.Fakes;

/// <summary>
/// Build steps and pm2 without processes: every command is recorded and succeeds; <c>pm2 jlist</c> answers
/// <see cref="Pm2Jlist"/>. <see cref="Hold"/> makes build steps wait until <see cref="Release"/>, so a test holds a
/// deploy at a known point (the end-to-end tier's gate files, without a file or a process).
/// </summary>
public sealed class FakeCommands : ICommandRunner
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _open = Completed();
    private TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Func<CommandSpec, bool> _held = _ => true;

    public ConcurrentQueue<CommandSpec> Ran { get; } = new();

    /// <summary>What <c>pm2 jlist</c> prints, asked each time (a test may change the list between two calls).</summary>
    public Func<string> Pm2Jlist { get; set; } = () => "[]";

    /// <summary>Completes once a held build step has started.</summary>
    public Task Started { get { lock (_gate) return _started.Task; } }

    /// <summary>From now on, build steps in <paramref name="directory"/> (every one when null) wait for <see cref="Release"/>.</summary>
    public void Hold(string? directory = null)
    {
        lock (_gate)
        {
            _held = spec => directory is null || spec.WorkingDirectory.StartsWith(directory, StringComparison.Ordinal);
            _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Release()
    {
        lock (_gate) _open.TrySetResult();
    }

    public async Task<CommandResult> RunAsync(CommandSpec spec, Action<string> output, CancellationToken cancellationToken,
        Action<string>? errorOutput = null)
    {
        Ran.Enqueue(spec);
        if (spec.Arguments is ["jlist", ..])
        {
            output(Pm2Jlist());
            return new CommandResult(0, TimeSpan.Zero, TimedOut: false);
        }
        Task open = Task.CompletedTask;
        lock (_gate)
        {
            if (_held(spec))
            {
                _started.TrySetResult();
                open = _open.Task;
            }
        }
        await open.WaitAsync(cancellationToken);
        output($"ran {spec}");
        return new CommandResult(0, TimeSpan.Zero, TimedOut: false);
    }

    /// <summary>A PM2_HOME that <see cref="Pm2Client.IsDaemonRunning"/> takes for a live pm2 daemon's (this process's pid).</summary>
    public static string Pm2Home(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "pm2.pid"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.WriteAllText(Path.Combine(directory, "rpc.sock"), "");
        return directory;
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }
}
