using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FilmTrip.Hook.Tests.Webhooks;

/// <summary>
/// A webhook delivery of spaces over a raw socket, so a test sees the daemon's answer as soon as it comes: HttpClient
/// shows none before the whole body is sent, and reports a refused upload the daemon stops reading as a reset.
/// </summary>
internal sealed class RawDelivery : IDisposable
{
    private const int Chunk = 64 * 1024;
    private static readonly byte[] Spaces = Enumerable.Repeat((byte)' ', Chunk).ToArray();
    private readonly TcpClient _client = new();
    private readonly int _length;
    private int _sent;
    private Task<string>? _answer;

    private RawDelivery(int length) => _length = length;

    /// <summary>Connects and sends the head and the first <paramref name="first"/> bytes of a body of <paramref name="length"/>.</summary>
    public static async Task<RawDelivery> StartAsync(int port, int length, string? signature, int first = Chunk)
    {
        var delivery = new RawDelivery(length);
        await delivery._client.ConnectAsync(IPAddress.Loopback, port);
        var head = "POST /webhooks/github HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
            $"Content-Length: {length}\r\nX-GitHub-Event: push\r\nX-GitHub-Delivery: {Guid.NewGuid()}\r\n" +
            (signature is null ? "" : $"X-Hub-Signature-256: {signature}\r\n") + "\r\n";
        await delivery.Stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await delivery.SendAsync(first);
        return delivery;
    }

    private NetworkStream Stream => _client.GetStream();

    /// <summary>
    /// Sends the rest of the body. A daemon that answered early and then closed the connection ends the upload
    /// quietly: what it answered is for <see cref="ReadAnswerAsync"/> to say, which fails when there was no answer.
    /// </summary>
    public async Task FinishAsync()
    {
        try
        {
            await SendAsync(_length);
        }
        catch (IOException)
        {
        }
    }

    private async Task SendAsync(int upTo)
    {
        for (; _sent < upTo; _sent += Chunk) await Stream.WriteAsync(Spaces.AsMemory(0, Math.Min(Chunk, upTo - _sent)));
    }

    /// <summary>The answer's status line and headers.</summary>
    public Task<string> ReadAnswerAsync() => _answer ??= ReadHeadAsync();

    /// <summary>The answer's status code.</summary>
    public static int Status(string answer) => int.Parse(answer.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);

    private async Task<string> ReadHeadAsync()
    {
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (head.Length < 4 || head[^1] != '\n' || head[^3] != '\n')
        {
            if (await Stream.ReadAsync(buffer) == 0) throw new IOException($"connection closed after: {head}");
            head.Append((char)buffer[0]);
        }
        return head.ToString();
    }

    public void Dispose() => _client.Dispose();
}
