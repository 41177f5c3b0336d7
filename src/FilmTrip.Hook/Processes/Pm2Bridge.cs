using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace FilmTrip.Hook.Processes;

/// <summary>
/// Lists a PM2_HOME's apps over one long-lived connection to its pm2 daemon (<c>pm2-bridge.js</c>, pm2's own RPC
/// modules) instead of one <c>pm2 jlist</c> process per question: a few ms instead of 0.4–1.4 s per call (measured),
/// which the health gate and the BlueGreen colors ask many times per deploy (issue #10's deploy-time goals).
/// Only for a real pm2 package (its <c>bin/pm2</c> beside <c>modules/pm2-axon-rpc</c>): any other executable, or any
/// failure of the bridge, answers null and the caller uses the CLI. A bridge is replaced when its daemon's pid changes.
/// A plain <see cref="Process"/>, not CliWrap: this child lives for the daemon's lifetime and talks line by line.
/// </summary>
public sealed class Pm2Bridge : IDisposable
{
    private static readonly TimeSpan ListTimeout = TimeSpan.FromSeconds(10);
    // A delete stops each instance first and waits up to its kill_timeout: as long as the CLI's own command may take.
    private static readonly TimeSpan DeleteTimeout = TimeSpan.FromMinutes(2);
    private static readonly Lazy<string> Script = new(() =>
    {
        using var stream = typeof(Pm2Bridge).Assembly.GetManifestResourceStream("pm2-bridge.js")!;
        return new StreamReader(stream).ReadToEnd();
    });

    private readonly ConcurrentDictionary<string, Connection> _connections = new(StringComparer.Ordinal);

    /// <summary>The JSON list pm2 would print for <c>jlist</c>, or null when the bridge cannot answer (use the CLI).</summary>
    public Task<string?> TryListAsync(Pm2Context context, int daemonPid, CancellationToken cancellationToken) =>
        AskAsync(context, daemonPid, id => id, "list", ListTimeout, cancellationToken);

    /// <summary>
    /// Deletes every instance of the app named exactly <see cref="Pm2Context.App"/> as <c>pm2 delete</c> does (pm2's
    /// deleteProcessId, then its notification); the JSON array of the pm_ids deleted, or null when the bridge cannot
    /// (use the CLI, which deletes whatever is left).
    /// </summary>
    public Task<string?> TryDeleteAsync(Pm2Context context, int daemonPid, CancellationToken cancellationToken) =>
        AskAsync(context, daemonPid, id => JsonSerializer.Serialize(new Dictionary<string, string> { ["id"] = id, ["delete"] = context.App }),
            "deleted", DeleteTimeout, cancellationToken);

    private async Task<string?> AskAsync(Pm2Context context, int daemonPid, Func<string, string> request, string answer, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        if (PackageOf(context.Executable, context.Environment) is not { } package || Deploys.ChildEnvironment.Which("node", context.Environment) is not { } node)
            return null;
        var connection = _connections.AddOrUpdate(context.Home,
            _ => new Connection(node, package, context.Home, daemonPid),
            (_, old) => old.DaemonPid == daemonPid && old.Alive ? old : Replace(old, new Connection(node, package, context.Home, daemonPid)));
        var result = await connection.AskAsync(request, answer, timeout, cancellationToken);
        if (result is null && _connections.TryRemove(KeyValuePair.Create(context.Home, connection)))
            connection.Dispose(); // the next call starts a fresh bridge
        return result;
    }

    public void Dispose()
    {
        foreach (var connection in _connections.Values) connection.Dispose();
        _connections.Clear();
    }

    private static Connection Replace(Connection old, Connection fresh)
    {
        old.Dispose();
        return fresh;
    }

    /// <summary>pm2's package directory when <paramref name="executable"/> is a real pm2 install, else null.</summary>
    internal static string? PackageOf(string executable, IReadOnlyDictionary<string, string> environment)
    {
        if (Deploys.ChildEnvironment.Which(executable, environment) is not { } path) return null;
        var real = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        var bin = Path.GetDirectoryName(real);
        var package = Path.GetDirectoryName(bin);
        return Path.GetFileName(bin) == "bin" && package is not null
            && File.Exists(Path.Combine(package, "modules", "pm2-axon-rpc", "index.js")) ? package : null;
    }

    private sealed class Connection : IDisposable
    {
        private readonly Process _process;
        private readonly SemaphoreSlim _turn = new(1, 1);
        private long _nextId;

        public Connection(string node, string package, string home, int daemonPid)
        {
            DaemonPid = daemonPid;
            var start = new ProcessStartInfo(node, ["-e", Script.Value])
            {
                RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            start.Environment["PM2_HOME"] = home;
            start.Environment["FILMTRIP_PM2_PACKAGE"] = package;
            _process = Process.Start(start)!;
            _process.ErrorDataReceived += (_, _) => { }; // drained, never shown: the CLI fallback reports real errors
            _process.BeginErrorReadLine();
        }

        public int DaemonPid { get; }
        public bool Alive => !_process.HasExited;

        /// <summary>Sends <paramref name="request"/> (given the request's id) and returns its <paramref name="answer"/> property as JSON.</summary>
        public async Task<string?> AskAsync(Func<string, string> request, string answer, TimeSpan answerTimeout, CancellationToken cancellationToken)
        {
            await _turn.WaitAsync(cancellationToken);
            try
            {
                var id = (++_nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await _process.StandardInput.WriteLineAsync(request(id).AsMemory(), cancellationToken);
                await _process.StandardInput.FlushAsync(cancellationToken);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(answerTimeout);
                while (await _process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
                {
                    using var reply = JsonDocument.Parse(line);
                    // A late answer to a timed-out call, or to a line the bridge could not read (id null).
                    if (reply.RootElement.GetProperty("id") is not { ValueKind: JsonValueKind.String } replyId || replyId.GetString() != id) continue;
                    return reply.RootElement.TryGetProperty(answer, out var value) ? value.GetRawText() : null;
                }
                return null;
            }
            catch (Exception e) when (e is IOException or JsonException or InvalidOperationException or KeyNotFoundException
                                      || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                return null;
            }
            finally
            {
                _turn.Release();
            }
        }

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited) _process.Kill();
            }
            catch (InvalidOperationException)
            {
            }
            _process.Dispose();
        }
    }
}
