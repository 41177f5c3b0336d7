using System.Net;
using System.Net.Sockets;
using System.Text;
using CliWrap;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>
/// A real loopback TCP listener that serves one bare repository over git's smart HTTP protocol (through
/// <c>git upload-pack --stateless-rpc</c>, as git-http-backend does), or, while <see cref="Stalled"/>, accepts each
/// connection and never answers: the remote that holds a fetch in recv(2).
/// </summary>
public sealed class GitHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _held = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly string _bare;

    public GitHttpServer(string bareRepository)
    {
        _bare = bareRepository;
        _listener.Start();
        _ = AcceptAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/remote.git";

    public volatile bool Stalled;

    /// <summary>Connections accepted while stalled.</summary>
    public int StalledConnections { get { lock (_held) return _held.Count; } }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            if (Stalled) lock (_held) _held.Add(socket);
            else _ = ServeAsync(socket);
        }
    }

    /// <summary>One request per connection (Connection: close), which libgit2 handles by reconnecting.</summary>
    private async Task ServeAsync(Socket socket)
    {
        using var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            var (requestLine, headers, body) = await ReadRequestAsync(stream);
            var target = requestLine.Split(' ')[1];
            byte[] answer;
            string type;
            if (target.EndsWith("/info/refs?service=git-upload-pack", StringComparison.Ordinal))
            {
                var refs = await UploadPackAsync(["--advertise-refs"], []);
                answer = [.. Encoding.ASCII.GetBytes("001e# service=git-upload-pack\n0000"), .. refs];
                type = "application/x-git-upload-pack-advertisement";
            }
            else if (target.EndsWith("/git-upload-pack", StringComparison.Ordinal))
            {
                answer = await UploadPackAsync([], body);
                type = "application/x-git-upload-pack-result";
            }
            else
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
                return;
            }
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"HTTP/1.1 200 OK\r\nContent-Type: {type}\r\nCache-Control: no-cache\r\nContent-Length: {answer.Length}\r\nConnection: close\r\n\r\n"));
            await stream.WriteAsync(answer);
        }
        catch (Exception e) when (e is IOException or SocketException) { }
    }

    private async Task<byte[]> UploadPackAsync(string[] options, byte[] input)
    {
        using var output = new MemoryStream();
        await CliWrap.Cli.Wrap("git").WithArguments(["upload-pack", "--stateless-rpc", .. options, _bare])
            .WithStandardInputPipe(PipeSource.FromBytes(input))
            .WithStandardOutputPipe(PipeTarget.ToStream(output))
            .ExecuteAsync();
        return output.ToArray();
    }

    private static async Task<(string RequestLine, Dictionary<string, string> Headers, byte[] Body)> ReadRequestAsync(Stream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one) == 0) throw new IOException("the client closed the connection");
            head.Add(one[0]);
        }
        var lines = Encoding.ASCII.GetString(head.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2))
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = new byte[headers.TryGetValue("Content-Length", out var length) ? int.Parse(length) : 0];
        await stream.ReadExactlyAsync(body);
        return (lines[0], headers, body);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_held) foreach (var socket in _held) socket.Dispose();
        _stop.Dispose();
    }
}
