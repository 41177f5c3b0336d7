using System.Net;
using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Deploys;
using FilmTrip.Hook.Processes;
using FilmTrip.Hook.Tests.InProcess.Fakes;
using Microsoft.Extensions.Time.Testing;

namespace FilmTrip.Hook.Tests.InProcess;

/// <summary>The health gate's timing on a fake clock: when it gives up, and how long a pm2 app must stay up.</summary>
[Trait("Tier", "InProcess")]
public sealed class HealthGateTimingTests : IDisposable
{
    private readonly Support.TempDirectory _temp = new("health");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly FakeCommands _commands = new();
    private HttpStatusCode _answer = HttpStatusCode.ServiceUnavailable;
    private int _pid = 100;

    private HealthGate Gate() => new(new Answering(() => _answer), new Pm2Client(_commands), _time);

    private Pm2Context App => new("pm2", FakeCommands.Pm2Home(_temp.Combine("pm2")), "api", "/", new Dictionary<string, string>());

    public void Dispose() => _temp.Dispose();

    private string Jlist() =>
        $$$"""[{"name":"api","pm_id":0,"pid":{{{_pid}}},"pm2_env":{"status":"online","restart_time":0,"pm_uptime":1}}]""";

    /// <summary>Advances the fake clock in steps until the check ends, and returns the verdict and the fake time it took.</summary>
    private async Task<(string? Verdict, TimeSpan Took)> RunAsync(Task<string?> check, TimeSpan step, Action<TimeSpan>? at = null)
    {
        var start = _time.GetUtcNow();
        for (var i = 0; i < 2000 && !check.IsCompleted; i++)
        {
            _time.Advance(step);
            at?.Invoke(_time.GetUtcNow() - start);
            await Task.WhenAny(check, Task.Delay(5));
        }
        Assert.True(check.IsCompleted, "the check ended within 2000 steps of the fake clock");
        return (await check, _time.GetUtcNow() - start);
    }

    [Fact]
    public async Task An_unhealthy_url_fails_at_the_timeout_and_not_before()
    {
        var health = new HealthCheckOptions { Url = "http://health.invalid/", Timeout = TimeSpan.FromSeconds(30) };
        var check = Gate().CheckAsync(health, null, _ => { }, CancellationToken.None);

        var (verdict, took) = await RunAsync(check, TimeSpan.FromMilliseconds(200),
            at: elapsed => { if (elapsed < TimeSpan.FromSeconds(29.8)) Assert.False(check.IsCompleted, $"gave up at {elapsed}"); });

        Assert.StartsWith("unhealthy after 30s", verdict);
        Assert.Contains("503", verdict);
        // The bound that matters is the lower one (checked at every step above); the clock keeps moving while the
        // gate's last continuation runs on a loaded machine, so the upper one is loose.
        Assert.InRange(took, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(40));
    }

    [Fact]
    public async Task A_pm2_app_is_healthy_only_after_StableFor_with_the_same_pids()
    {
        _answer = HttpStatusCode.OK;
        _commands.Pm2Jlist = Jlist;
        var health = new HealthCheckOptions { Url = "http://health.invalid/", Timeout = TimeSpan.FromSeconds(30), StableFor = TimeSpan.FromSeconds(5) };
        var check = Gate().CheckAsync(health, App, _ => { }, CancellationToken.None);

        // pm2 is asked at both ends of the window: a restart 1 s into it (a new pid) is seen at its end (5 s), and a
        // new window of 5 s starts at the next poll: healthy after about 10.2 s, not at 5.
        var (verdict, took) = await RunAsync(check, TimeSpan.FromMilliseconds(200),
            at: elapsed => { if (elapsed >= TimeSpan.FromSeconds(1) && _pid == 100) _pid = 101; });

        Assert.Null(verdict);
        Assert.InRange(took, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task An_errored_pm2_instance_ends_the_check_at_once()
    {
        _answer = HttpStatusCode.OK;
        _commands.Pm2Jlist = () => Jlist().Replace("online", "errored");
        var check = Gate().CheckAsync(new HealthCheckOptions { Url = "http://health.invalid/" }, App, _ => { }, CancellationToken.None);

        var (verdict, took) = await RunAsync(check, TimeSpan.FromMilliseconds(200));

        Assert.Contains("errored", verdict);
        Assert.True(took < TimeSpan.FromSeconds(1), $"took {took} of fake time");
    }

    [Fact]
    public async Task A_fresh_app_pm2_gave_up_on_after_restarts_crashed_on_start()
    {
        _commands.Pm2Jlist = () => Jlist().Replace("online", "errored").Replace("\"restart_time\":0", "\"restart_time\":15");
        var check = Gate().CheckAsync(new HealthCheckOptions { Url = "http://health.invalid/" }, App, _ => { }, CancellationToken.None, fresh: true);

        var (verdict, _) = await RunAsync(check, TimeSpan.FromMilliseconds(200));

        Assert.EndsWith("pm2 instance 0 of 'api' crashed on start (restarted 15 times, now errored: pm2 stopped restarting it)", verdict);
    }

    [Fact]
    public async Task A_deadline_that_passes_before_any_answer_names_what_was_awaited()
    {
        _commands.Pm2Jlist = Jlist;
        var health = new HealthCheckOptions { Url = "http://health.invalid/", Timeout = TimeSpan.FromSeconds(3) };
        var check = new HealthGate(new Answering(() => _answer, hang: true), new Pm2Client(_commands), _time)
            .CheckAsync(health, App, _ => { }, CancellationToken.None);

        var (verdict, _) = await RunAsync(check, TimeSpan.FromMilliseconds(200));

        Assert.Equal("unhealthy after 3s: no answer yet from http://health.invalid/", verdict);
    }

    [Fact]
    public async Task A_timeout_shorter_than_StableFor_says_how_long_the_app_stayed_up()
    {
        _answer = HttpStatusCode.OK;
        _commands.Pm2Jlist = Jlist;
        var health = new HealthCheckOptions { Url = "http://health.invalid/", Timeout = TimeSpan.FromSeconds(3), StableFor = TimeSpan.FromSeconds(5) };
        var check = Gate().CheckAsync(health, App, _ => { }, CancellationToken.None);

        var (verdict, _) = await RunAsync(check, TimeSpan.FromMilliseconds(200));

        Assert.Matches(@"^unhealthy after 3s: up for \d(\.\d)?s of the 5s it must stay up \(StableFor\)$", verdict);
    }

    /// <summary>Every client answers with the given status (or never, until cancelled), without a socket.</summary>
    private sealed class Answering(Func<HttpStatusCode> status, bool hang = false) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(new Handler(status, hang));

        private sealed class Handler(Func<HttpStatusCode> status, bool hang) : HttpMessageHandler
        {
            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                if (hang) await Task.Delay(Timeout.Infinite, cancellationToken);
                return new HttpResponseMessage(status());
            }
        }
    }
}
