using System.Net;
using System.Text;
using FilmTrip.Hook.Tests.InProcess.Fakes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.InProcess;

/// <summary>POST /rollback's refusals: none reaches a deploy. Moved from Status/RollbackTests (there a daemon world a case).</summary>
[Trait("Tier", "InProcess")]
public sealed class RollbackRequestTests(HookHost host) : IClassFixture<HookHost>
{
    private readonly HookHost _host = host;

    [Fact]
    public async Task Rollback_needs_the_bearer_token()
    {
        var commit = _host.Commit("2");

        var missing = await _host.Client.RollbackAsync(new { commit }, token: null);
        var wrong = await _host.Client.RollbackAsync(new { commit }, token: "not-the-token");

        foreach (var response in new[] { missing, wrong })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        }
        Assert.Empty(await _host.Client.DeploysAsync("web"));
    }

    [Theory]
    [InlineData("--upload-pack=x")]
    [InlineData("-h")]
    [InlineData("")]
    [InlineData("main")]
    [InlineData("refs/heads/main")]
    [InlineData("abc12")]
    [InlineData("0123456789abcdef0123456789abcdef012345678")]
    [InlineData("g123456")]
    public async Task Rollback_refuses_anything_but_7_to_40_hex_digits(string commit)
    {
        var response = await _host.Client.RollbackAsync(new { commit, service = "web" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Empty(await _host.Client.DeploysAsync("web"));
    }

    [Fact]
    public async Task Rollback_with_malformed_json_is_400()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/rollback") { Content = new StringContent("{\"commit\": ", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", HookClient.Token);

        var response = await _host.Client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Rollback_to_an_unknown_service_or_commit_is_404()
    {
        var head = _host.Commit("2");

        var service = await _host.Client.RollbackAsync(new { commit = head, service = "nope" });
        var commit = await _host.Client.RollbackAsync(new { commit = "0123456789abcdef0123456789abcdef01234567", service = "web" });

        Assert.Equal(HttpStatusCode.NotFound, service.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, commit.StatusCode);
        Assert.Empty(await _host.Client.DeploysAsync("web"));
    }
}
