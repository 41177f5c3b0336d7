using System.Net;
using FilmTrip.Hook.Tests.InProcess.Fakes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.InProcess;

/// <summary>The read endpoints' refusals and their token rule. Moved from Status/StatusTests (there a daemon world a case).</summary>
[Trait("Tier", "InProcess")]
public sealed class StatusQueryTests(HookHost host) : IClassFixture<HookHost>
{
    [Theory]
    [InlineData("/status/nope", 404)]
    [InlineData("/deploys/20260101-000000-00000000", 404)]
    [InlineData("/deploys/..%2F..%2Fetc%2Fpasswd", 404)]
    [InlineData("/deploys?service=nope", 404)]
    [InlineData("/deploys?limit=0", 400)]
    [InlineData("/deploys?limit=100000", 400)]
    [InlineData("/deploys?state=exploded", 400)]
    public async Task Bad_status_queries_get_a_problem(string path, int status)
    {
        var response = await host.Client.GetAsync(path);

        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Reads_need_the_token_by_default()
    {
        var id = (await host.PushAsync(host.Commit("token")))["web"];

        foreach (var path in new[] { "/status", "/status/web", "/deploys", $"/deploys/{id}", $"/deploys/{id}?log=full" })
        {
            var anonymous = await host.Client.GetAsync(path, token: null);
            var wrong = await host.Client.GetAsync(path, token: "not-the-token");
            var authorized = await host.Client.GetAsync(path);

            Assert.True(anonymous.StatusCode == HttpStatusCode.Unauthorized, $"GET {path} without a token: {anonymous.StatusCode}");
            Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType!.MediaType);
            Assert.True(wrong.StatusCode == HttpStatusCode.Unauthorized, $"GET {path} with a wrong token: {wrong.StatusCode}");
            Assert.True(authorized.StatusCode == HttpStatusCode.OK, $"GET {path} with the token: {authorized.StatusCode}");
        }
        Assert.Equal(HttpStatusCode.OK, (await host.Client.Http.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task RequireTokenForStatus_false_opens_reads_but_not_writes()
    {
        using var open = HookHost.With((_, c) => c["Hook"]!["RequireTokenForStatus"] = false);

        var status = await open.Client.GetAsync("/status", token: null);
        var rollback = await open.Client.RollbackAsync(new { commit = open.Commit("2") }, token: null);

        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, rollback.StatusCode);
    }
}
