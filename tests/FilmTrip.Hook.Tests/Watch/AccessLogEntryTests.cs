using System.Text;
using FilmTrip.Hook.Watch;

namespace FilmTrip.Hook.Tests.Watch;

/// <summary>The fields the watch reads from a line of README's log_format, as numbers or strings.</summary>
public sealed class AccessLogEntryTests
{
    private static AccessLogEntry Parse(string line)
    {
        Assert.True(AccessLogEntry.TryParse(Encoding.UTF8.GetBytes(line), out var entry), line);
        return entry;
    }

    [Fact]
    public void README_format_with_quoted_values_is_read()
    {
        var e = Parse("""{"time":"2026-11-29T04:00:00+00:00","msec":"1764388800.123","status":"502","request":"GET \"/x\" HTTP/1.1","upstream_addr":"127.0.0.1:3011","request_time":"0.250"}""");

        Assert.Equal((1764388800.123, 502, 3011, 0.25), (e.Msec, e.Status, e.UpstreamPort, e.RequestTime!.Value));
    }

    [Fact]
    public void Unquoted_numbers_are_read_too() =>
        Assert.Equal(200, Parse("""{"msec":1.5,"status":200,"upstream_addr":"127.0.0.1:3001","request_time":0.004}""").Status);

    [Theory]
    [InlineData("127.0.0.1:3001, 127.0.0.1:3011", 3011)]
    [InlineData("127.0.0.1:3001 : 127.0.0.1:3011", 3011)]
    [InlineData("[::1]:3011", 3011)]
    [InlineData("", 0)]
    [InlineData("-", 0)]
    [InlineData("unix:/run/app.sock", 0)]
    public void The_upstream_port_is_the_last_one_nginx_tried(string upstream, int port) =>
        Assert.Equal(port, Parse($$"""{"msec":"1.0","status":"200","upstream_addr":"{{upstream}}","request_time":"0.001"}""").UpstreamPort);

    [Theory]
    [InlineData("")]
    [InlineData("GET / HTTP/1.1")]
    [InlineData("""{"msec":"1.0"}""")]
    [InlineData("""{"status":"200"}""")]
    [InlineData("""{"msec":"x","status":"200"}""")]
    [InlineData("""{"msec":"1.0","status":"200" """)]
    [InlineData("""[1,2]""")]
    public void A_line_without_msec_and_status_is_malformed(string line) =>
        Assert.False(AccessLogEntry.TryParse(Encoding.UTF8.GetBytes(line), out _));
}
