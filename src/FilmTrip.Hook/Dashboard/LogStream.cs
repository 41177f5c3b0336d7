using System.Text;
using FilmTrip.Hook.History;

namespace FilmTrip.Hook.Dashboard;

/// <summary>
/// Tails a deploy's log file as Server-Sent Events (issue #13): one <c>line</c> event per complete line, with the byte
/// offset after it as the event id (a client resumes from there with Last-Event-ID), and one <c>end</c> event carrying
/// the final state. The log is complete before the state is final (DeployRunner flushes it first), so once history says
/// the deploy ended, one more read reaches the true end.
/// </summary>
internal sealed class LogStream(HistoryStore history, TimeProvider time)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public async Task WriteAsync(DeployRecord deploy, long from, Stream body, CancellationToken cancellationToken)
    {
        var pending = new List<byte>();
        var offset = from;
        var quietSince = time.GetTimestamp();
        using var timer = new PeriodicTimer(PollInterval, time);
        while (true)
        {
            var final = history.Get(deploy.Id) is not { State: DeployState.Queued or DeployState.Running };
            var sent = await SendNewLinesAsync(deploy.LogPath, pending, offset, body, cancellationToken);
            offset += sent.Bytes;
            if (final)
            {
                if (pending.Count > 0) await SendAsync(body, "line", offset, Encoding.UTF8.GetString(pending.ToArray()), cancellationToken);
                var state = history.Get(deploy.Id)?.State ?? deploy.State;
                await SendAsync(body, "end", offset, SnakeCase.Name(state), cancellationToken);
                return;
            }
            if (sent.Lines > 0) quietSince = time.GetTimestamp();
            else if (time.GetElapsedTime(quietSince) >= Heartbeat)
            {
                // A comment keeps proxies (nginx's proxy_read_timeout) from closing a stream that is only waiting.
                await body.WriteAsync(": waiting\n\n"u8.ToArray(), cancellationToken);
                await body.FlushAsync(cancellationToken);
                quietSince = time.GetTimestamp();
            }
            await timer.WaitForNextTickAsync(cancellationToken);
        }
    }

    /// <summary>Reads what the file has past <paramref name="offset"/> and sends each line it completes.</summary>
    private static async Task<(long Bytes, int Lines)> SendNewLinesAsync(string path, List<byte> pending, long offset, Stream body, CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) return (0, 0);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (file.Length <= offset) return (0, 0);
        file.Position = offset;
        var buffer = new byte[64 * 1024];
        long read = 0;
        var lines = 0;
        int n;
        while ((n = await file.ReadAsync(buffer, cancellationToken)) > 0)
        {
            for (var i = 0; i < n; i++)
            {
                read++;
                if (buffer[i] != '\n') { pending.Add(buffer[i]); continue; }
                await SendAsync(body, "line", offset + read, Encoding.UTF8.GetString(pending.ToArray()), cancellationToken, flush: false);
                pending.Clear();
                lines++;
            }
        }
        await body.FlushAsync(cancellationToken);
        // Bytes of an unfinished line stay in pending and count as read: the next call starts after them.
        return (read, lines);
    }

    private static async Task SendAsync(Stream body, string name, long id, string data, CancellationToken cancellationToken, bool flush = true)
    {
        // A log line has no newline in it (DeployLog writes one per line), and \r would end an SSE line early.
        var text = $"event: {name}\nid: {id}\ndata: {data.Replace('\r', ' ')}\n\n";
        await body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        if (flush) await body.FlushAsync(cancellationToken);
    }
}
