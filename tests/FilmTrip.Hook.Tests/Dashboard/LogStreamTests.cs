using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Dashboard;

/// <summary>GET /deploys/{id}/log/stream over plain HTTP: the Server-Sent Events the deploy page reads (issue #13).</summary>
[Collection(DashboardFixture.Collection)]
public sealed class LogStreamTests(DashboardFixture fixture)
{
    [Fact]
    public async Task Log_stream_sends_each_line_then_the_end_resumes_after_an_event_id_and_needs_the_token()
    {
        var daemon = fixture.World.Daemon;
        var id = (await fixture.World.DeploysOfAsync("admin")).First(d => d["state"]!.GetValue<string>() == "succeeded")["id"]!.GetValue<string>();
        var log = await (await daemon.GetAsync($"/deploys/{id}?log=full")).Content.ReadAsStringAsync();
        var lines = log.TrimEnd('\n').Split('\n');

        using var response = await daemon.GetAsync($"/deploys/{id}/log/stream");
        var events = ParseEvents(await response.Content.ReadAsStringAsync());
        var secondId = events[1].Id;
        using var resumed = new HttpRequestMessage(HttpMethod.Get, $"/deploys/{id}/log/stream");
        resumed.Headers.Authorization = new("Bearer", Daemon.Token);
        resumed.Headers.Add("Last-Event-ID", secondId);
        var rest = ParseEvents(await (await daemon.Http.SendAsync(resumed)).Content.ReadAsStringAsync());
        using var anonymous = await daemon.GetAsync($"/deploys/{id}/log/stream", token: null);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(lines, events.Where(e => e.Name == "line").Select(e => e.Data));
        Assert.Equal(("end", "succeeded"), (events[^1].Name, events[^1].Data));
        Assert.Equal(lines.Skip(2), rest.Where(e => e.Name == "line").Select(e => e.Data));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private static List<(string Name, string Id, string Data)> ParseEvents(string text) =>
        text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(block =>
        {
            var fields = block.Split('\n').Select(l => l.Split(": ", 2)).ToDictionary(f => f[0], f => f[1]);
            return (fields["event"], fields["id"], fields["data"]);
        }).ToList();
}
