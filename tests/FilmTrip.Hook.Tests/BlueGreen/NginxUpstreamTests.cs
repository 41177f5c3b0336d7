using System.Net;
using System.Net.Sockets;
using System.Text;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.BlueGreen;

/// <summary>
/// The nginx side of the BlueGreen topology on its own, without the daemon: what the strategy's tests rely on
/// (the upstream include, the reload argv, the pid file, and how a reload that cannot apply looks).
/// </summary>
public sealed class NginxUpstreamTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Rewriting_the_upstream_file_and_running_the_reload_argv_moves_new_connections_to_the_new_port()
    {
        using var a = TextServer.Start("a");
        using var b = TextServer.Start("b");
        await using var nginx = await NginxServer.StartWithUpstreamFileAsync(a.Port);
        var before = nginx.WorkerPids();
        var servedBefore = await GetAsync(nginx);

        await File.WriteAllTextAsync(nginx.UpstreamFile!, NginxServer.UpstreamLine(b.Port) + "\n");
        var reload = await nginx.ReloadAsync();
        await nginx.WaitForNewWorkersAsync(before);

        Assert.Equal("a", servedBefore);
        Assert.True(reload.ExitCode == 0, reload.Errors);
        Assert.Equal("b", await GetAsync(nginx));
        Assert.Equal(nginx.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), (await File.ReadAllTextAsync(nginx.PidFile)).Trim());
    }

    [Fact]
    public async Task A_reload_the_master_cannot_apply_exits_0_and_keeps_the_old_workers_and_upstream()
    {
        using var a = TextServer.Start("a");
        using var b = TextServer.Start("b");
        await using var nginx = await NginxServer.StartWithUpstreamFileAsync(a.Port);
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        nginx.AddServerListeningOn(((IPEndPoint)taken.LocalEndpoint).Port);
        var before = nginx.WorkerPids();

        await File.WriteAllTextAsync(nginx.UpstreamFile!, NginxServer.UpstreamLine(b.Port) + "\n");
        var reload = await nginx.ReloadAsync();
        // nginx tries to bind five times, 0.5 s apart, then logs the emerg and keeps the old cycle.
        await Poll.UntilAsync(() => nginx.ErrorLog().Contains("still could not bind()", StringComparison.Ordinal), Deadline, "nginx to give up binding");

        Assert.True(reload.ExitCode == 0, reload.Errors);
        Assert.Equal(before, nginx.WorkerPids());
        Assert.Equal("a", await GetAsync(nginx));
    }

    private static async Task<string> GetAsync(NginxServer nginx)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(nginx.ApiUri, "version"));
        request.Headers.ConnectionClose = true; // a new connection: served by a worker with the master's current config
        using var response = await http.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>An HTTP server on a port the OS picked that answers every request with one fixed body.</summary>
    private sealed class TextServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly byte[] _response;

        private TextServer(string body)
        {
            _response = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}");
            _listener.Start();
            _ = Task.Run(AcceptAsync);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public static TextServer Start(string body) => new(body);

        private async Task AcceptAsync()
        {
            while (true)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(); }
                catch (Exception e) when (e is SocketException or ObjectDisposedException) { return; } // stopped
                _ = Task.Run(() => AnswerAsync(client));
            }
        }

        private async Task AnswerAsync(TcpClient client)
        {
            using (client)
            {
                var stream = client.GetStream();
                var request = new StringBuilder();
                var buffer = new byte[4096];
                while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer);
                    if (read == 0) return;
                    request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }
                await stream.WriteAsync(_response);
            }
        }

        public void Dispose() => _listener.Stop();
    }
}
