using FilmTrip.Hook.Tests.Support;
using Payloads = FilmTrip.Hook.Tests.Support.Webhooks;

namespace FilmTrip.Hook.Tests.Webhooks;

/// <summary>What the daemon process writes (standard output for journald, and its log file) never holds the secret.</summary>
public sealed class WebhookSecretTests(WebhookDaemonFixture fixture) : IClassFixture<WebhookDaemonFixture>
{
    private const string Site = WebhookDaemonFixture.SiteRepository;
    private const string Quiet = WebhookDaemonFixture.QuietRepository;
    private Daemon Daemon => fixture.Daemon;

    [Fact]
    public async Task Secret_and_expected_mac_never_reach_the_output_or_the_log_file()
    {
        var body = Payloads.PushPayload(Quiet, fixture.Commit);
        await Daemon.SendAsync(body, signature: "sha256=" + new string('0', 64));
        await Daemon.SendAsync(body, signature: "sha256=nothex");
        await Daemon.SendAsync(Payloads.PushPayload(Site, fixture.Commit));
        var logs = Path.Combine(fixture.DataDirectory, "logs");
        await Poll.UntilAsync(() => Directory.Exists(logs) && Directory.EnumerateFiles(logs).Any(), TimeSpan.FromSeconds(10), "a log file");

        var logText = string.Concat(Directory.EnumerateFiles(logs).Select(ReadShared));
        var expectedMac = Payloads.Sign(body)["sha256=".Length..];

        Assert.Contains("rejected", logText, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Daemon.Secret, Daemon.Output);
        Assert.DoesNotContain(expectedMac, Daemon.Output);
        Assert.DoesNotContain(Daemon.Secret, logText);
        Assert.DoesNotContain(expectedMac, logText);
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }
}
