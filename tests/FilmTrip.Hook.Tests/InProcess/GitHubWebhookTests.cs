using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.InProcess.Fakes;
using FilmTrip.Hook.Tests.Support;
using FilmTrip.Hook.Tests.Webhooks;
using Payloads = FilmTrip.Hook.Tests.Support.Webhooks;

namespace FilmTrip.Hook.Tests.InProcess;

/// <summary>
/// One host shared by a test class: service "site" deploys pushes to main of acme/site; service "quiet" (acme/quiet)
/// is only ever sent requests that must not deploy.
/// </summary>
public sealed class WebhookHost : IDisposable
{
    public const string SiteRepository = "acme/site";
    public const string QuietRepository = "acme/quiet";

    public HookHost Host { get; } = HookHost.With((host, config) => config["Hook"]!["Services"] = new JsonObject
    {
        ["site"] = host.Service("site", SiteRepository, subdirectory: "web"),
        ["quiet"] = host.Service("quiet", QuietRepository, subdirectory: "admin"),
    });

    public string Commit => Host.InitialCommit;

    public void Dispose() => Host.Dispose();
}

/// <summary>POST /webhooks/github and GET /healthz: matching, parsing and every refusal, in process. Issue #2 §4-5.</summary>
[Trait("Tier", "InProcess")]
public sealed class GitHubWebhookTests(WebhookHost fixture) : IClassFixture<WebhookHost>
{
    private const string Site = WebhookHost.SiteRepository;
    private const string Quiet = WebhookHost.QuietRepository;
    private HookClient Daemon => fixture.Host.Client;

    private static byte[] Json(JsonNode payload) => Encoding.UTF8.GetBytes(payload.ToJsonString());

    private static JsonNode Push(string repository, string commit, string branch = "main") =>
        JsonNode.Parse(Payloads.PushPayload(repository, commit, branch))!;

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(problem["detail"]?.GetValue<string>()));
    }

    private static async Task<string> AssertIgnoredAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var reason = (await response.JsonAsync())["ignored"]?.GetValue<string>();
        Assert.False(string.IsNullOrEmpty(reason));
        return reason!;
    }

    private async Task AssertNoDeployAsync(string deliveryId)
    {
        Assert.Equal(0, await Daemon.DeploysOfDeliveryAsync(deliveryId));
        Assert.Empty(await Daemon.DeploysAsync("quiet"));
    }

    // --- accepted ---

    [Fact]
    public async Task Signed_push_to_main_is_accepted_with_a_deploy_id()
    {
        var delivery = Guid.NewGuid().ToString();

        var response = await Daemon.SendAsync(Payloads.PushPayload(Site, fixture.Commit), deliveryId: delivery);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(delivery, body["deliveryId"]!.GetValue<string>());
        var deploy = Assert.Single(body["deploys"]!.AsArray())!;
        Assert.Equal("site", deploy["service"]!.GetValue<string>());
        Assert.Equal(fixture.Commit, deploy["commit"]!.GetValue<string>());
        var deployId = deploy["deployId"]!.GetValue<string>();
        Assert.Matches("^[0-9]{8}-[0-9]{6}-[0-9a-f]{8}$", deployId);
        var recorded = await Daemon.GetJsonAsync($"/deploys/{deployId}");
        Assert.Equal(fixture.Commit, recorded["deploy"]!["commit"]!.GetValue<string>());
        Assert.Equal(delivery, recorded["deploy"]!["deliveryId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Redelivery_of_an_accepted_delivery_is_a_duplicate_and_does_not_deploy_again()
    {
        var delivery = Guid.NewGuid().ToString();
        var body = Payloads.PushPayload(Site, fixture.Commit);
        Assert.Equal(HttpStatusCode.Accepted, (await Daemon.SendAsync(body, deliveryId: delivery)).StatusCode);

        var again = await Daemon.SendAsync(body, deliveryId: delivery);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.True((await again.JsonAsync())["duplicate"]!.GetValue<bool>());
        Assert.Equal(1, await Daemon.DeploysOfDeliveryAsync(delivery));
    }

    [Fact]
    public async Task Replay_of_a_delivery_id_with_another_commit_is_a_duplicate()
    {
        var delivery = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.Accepted, (await Daemon.SendAsync(Payloads.PushPayload(Site, fixture.Commit), deliveryId: delivery)).StatusCode);

        var replay = await Daemon.SendAsync(Payloads.PushPayload(Site, new string('a', 40)), deliveryId: delivery);

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.True((await replay.JsonAsync())["duplicate"]!.GetValue<bool>());
        var deploys = await Daemon.DeploysAsync("site");
        Assert.DoesNotContain(deploys, d => d!["commit"]!.GetValue<string>() == new string('a', 40));
    }

    [Fact]
    public async Task Form_encoded_delivery_signed_over_the_raw_form_body_is_accepted()
    {
        var json = Encoding.UTF8.GetString(Payloads.PushPayload(Site, fixture.Commit));
        var form = await new FormUrlEncodedContent([new("payload", json)]).ReadAsByteArrayAsync();
        Assert.Contains((byte)'+', form); // the real payload's spaces travel as '+', as GitHub sends them

        var response = await Daemon.SendAsync(form, contentType: "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var deploy = Assert.Single((await response.JsonAsync())["deploys"]!.AsArray())!;
        Assert.Equal(fixture.Commit, deploy["commit"]!.GetValue<string>());
    }

    [Fact]
    public async Task Form_encoded_delivery_signed_over_the_json_alone_is_rejected()
    {
        var json = Encoding.UTF8.GetString(Payloads.PushPayload(Site, fixture.Commit));
        var form = await new FormUrlEncodedContent([new("payload", json)]).ReadAsByteArrayAsync();

        var response = await Daemon.SendAsync(form, contentType: "application/x-www-form-urlencoded",
            signature: Payloads.Sign(Encoding.UTF8.GetBytes(json)));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Ping_is_answered_with_200()
    {
        var response = await Daemon.SendAsync(Encoding.UTF8.GetBytes(Payloads.RealPing()), "ping");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Healthz_answers_200() =>
        Assert.Equal(HttpStatusCode.OK, (await Daemon.Http.GetAsync("/healthz")).StatusCode);

    // --- ignored (202, no deploy) ---

    [Theory]
    [InlineData("issues")]
    [InlineData("pull_request")]
    public async Task Other_events_are_ignored(string @event)
    {
        var delivery = Guid.NewGuid().ToString();

        var response = await Daemon.SendAsync(Payloads.PushPayload(Quiet, fixture.Commit), @event, delivery);

        Assert.Contains(@event, await AssertIgnoredAsync(response));
        await AssertNoDeployAsync(delivery);
    }

    [Fact]
    public async Task Push_to_other_branch_is_ignored()
    {
        var delivery = Guid.NewGuid().ToString();

        var response = await Daemon.SendAsync(Payloads.PushPayload(Quiet, fixture.Commit, "feature/x"), deliveryId: delivery);

        Assert.Contains("refs/heads/feature/x", await AssertIgnoredAsync(response));
        await AssertNoDeployAsync(delivery);
    }

    [Fact]
    public async Task Push_to_a_branch_that_only_ends_like_main_is_ignored()
    {
        var delivery = Guid.NewGuid().ToString();
        var payload = Push(Quiet, fixture.Commit);
        payload["ref"] = "refs/heads/release/main";

        await AssertIgnoredAsync(await Daemon.SendAsync(Json(payload), deliveryId: delivery));
        await AssertNoDeployAsync(delivery);
    }

    [Fact]
    public async Task Tag_push_is_ignored()
    {
        var delivery = Guid.NewGuid().ToString();
        var payload = Payloads.RealTagDeletion();
        payload["repository"]!["full_name"] = Quiet;

        var response = await Daemon.SendAsync(Json(payload), deliveryId: delivery);

        Assert.Contains("tag", await AssertIgnoredAsync(response));
        await AssertNoDeployAsync(delivery);
    }

    [Fact]
    public async Task Tag_push_creating_a_tag_is_ignored()
    {
        var delivery = Guid.NewGuid().ToString();
        var payload = Push(Quiet, fixture.Commit);
        payload["ref"] = "refs/tags/v1.0.0";

        Assert.Contains("tag", await AssertIgnoredAsync(await Daemon.SendAsync(Json(payload), deliveryId: delivery)));
        await AssertNoDeployAsync(delivery);
    }

    [Fact]
    public async Task Branch_deletion_marked_deleted_is_ignored()
    {
        var delivery = Guid.NewGuid().ToString();
        var payload = Push(Quiet, fixture.Commit);
        payload["deleted"] = true;

        Assert.Contains("deletion", await AssertIgnoredAsync(await Daemon.SendAsync(Json(payload), deliveryId: delivery)));
        await AssertNoDeployAsync(delivery);
    }

    [Fact]
    public async Task Branch_deletion_with_after_all_zeros_is_ignored()
    {
        var delivery = Guid.NewGuid().ToString();
        var payload = Push(Quiet, new string('0', 40));
        payload["deleted"] = false;

        Assert.Contains("deletion", await AssertIgnoredAsync(await Daemon.SendAsync(Json(payload), deliveryId: delivery)));
        await AssertNoDeployAsync(delivery);
    }

    [Fact]
    public async Task Push_from_an_unknown_repository_is_ignored()
    {
        var delivery = Guid.NewGuid().ToString();

        var response = await Daemon.SendAsync(Payloads.PushPayload("someone/else", fixture.Commit), deliveryId: delivery);

        Assert.Contains("someone/else", await AssertIgnoredAsync(response));
        await AssertNoDeployAsync(delivery);
    }

    // --- 400 ---

    [Theory]
    [InlineData("6113728F27AE82C7B1A177C8D03F9E96E0ADF246")]
    [InlineData("6113728f27ae82c7b1a177c8d03f9e96e0adf24")]
    [InlineData("6113728f27ae82c7b1a177c8d03f9e96e0adf2466")]
    [InlineData("6113728f27ae82c7b1a177c8d03f9e96e0adf24g")]
    [InlineData("../../../../../../etc/passwd")]
    [InlineData("HEAD")]
    [InlineData("--upload-pack=touch /tmp/pwned")]
    [InlineData("6113728f27ae82c7b1a177c8d03f9e96e0adf246\n")]
    public async Task Push_whose_after_is_not_a_lowercase_sha_is_rejected(string after)
    {
        var delivery = Guid.NewGuid().ToString();
        var payload = Push(Quiet, fixture.Commit);
        payload["after"] = after;

        await AssertProblemAsync(await Daemon.SendAsync(Json(payload), deliveryId: delivery), HttpStatusCode.BadRequest);
        await AssertNoDeployAsync(delivery);
    }

    [Fact]
    public async Task Push_whose_after_is_not_a_string_is_rejected()
    {
        var delivery = Guid.NewGuid().ToString();
        var payload = Push(Quiet, fixture.Commit);
        payload["after"] = 12345;

        await AssertProblemAsync(await Daemon.SendAsync(Json(payload), deliveryId: delivery), HttpStatusCode.BadRequest);
        await AssertNoDeployAsync(delivery);
    }

    [Theory]
    [InlineData("{\"ref\": \"refs/heads/main\", ")]
    [InlineData("not json at all")]
    [InlineData("[]")]
    [InlineData("\"a string\"")]
    [InlineData("")]
    public async Task Malformed_json_is_rejected(string body)
    {
        var delivery = Guid.NewGuid().ToString();

        await AssertProblemAsync(await Daemon.SendAsync(Encoding.UTF8.GetBytes(body), deliveryId: delivery), HttpStatusCode.BadRequest);
        await AssertNoDeployAsync(delivery);
    }

    [Fact]
    public async Task Body_that_is_not_utf8_is_rejected()
    {
        var delivery = Guid.NewGuid().ToString();
        byte[] body = [0xff, 0xfe, 0x7b, 0x00, 0xc3, 0x28];

        await AssertProblemAsync(await Daemon.SendAsync(body, deliveryId: delivery), HttpStatusCode.BadRequest);
        await AssertNoDeployAsync(delivery);
    }

    [Fact]
    public async Task Deeply_nested_json_is_rejected_and_the_daemon_stays_up()
    {
        var delivery = Guid.NewGuid().ToString();
        var body = Encoding.UTF8.GetBytes(new string('[', 100_000) + new string(']', 100_000));

        await AssertProblemAsync(await Daemon.SendAsync(body, deliveryId: delivery), HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.OK, (await Daemon.Http.GetAsync("/healthz")).StatusCode);
    }

    [Theory]
    [InlineData("ref")]
    [InlineData("after")]
    [InlineData("repository")]
    public async Task Push_missing_a_required_field_is_rejected(string field)
    {
        var delivery = Guid.NewGuid().ToString();
        var payload = Push(Quiet, fixture.Commit).AsObject();
        payload.Remove(field);

        var response = await Daemon.SendAsync(Json(payload), deliveryId: delivery);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        await AssertNoDeployAsync(delivery);
    }

    [Fact]
    public async Task Push_whose_repository_has_no_full_name_is_rejected()
    {
        var delivery = Guid.NewGuid().ToString();
        var payload = Push(Quiet, fixture.Commit);
        payload["repository"]!.AsObject().Remove("full_name");

        await AssertProblemAsync(await Daemon.SendAsync(Json(payload), deliveryId: delivery), HttpStatusCode.BadRequest);
        await AssertNoDeployAsync(delivery);
    }

    [Fact]
    public async Task Form_encoded_delivery_without_a_payload_field_is_rejected()
    {
        var delivery = Guid.NewGuid().ToString();
        var form = await new FormUrlEncodedContent([new("data", "{}")]).ReadAsByteArrayAsync();

        var response = await Daemon.SendAsync(form, deliveryId: delivery, contentType: "application/x-www-form-urlencoded");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        await AssertNoDeployAsync(delivery);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("../../etc/passwd")]
    public async Task Push_without_a_usable_delivery_id_is_rejected(string? deliveryId)
    {
        var response = await Daemon.SendAsync(Payloads.PushPayload(Quiet, fixture.Commit), deliveryId: deliveryId);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Empty(await Daemon.DeploysAsync("quiet"));
    }

    // --- 401 ---

    public static TheoryData<string?> BadSignatures => new()
    {
        null,
        "",
        "sha1=757107ea0eb2509fc211221cce984b8a37570b6d",
        "sha256=" + new string('a', 63),
        "sha256=" + new string('a', 65),
        "sha256=" + new string('z', 64),
        "sha256=" + new string('0', 64),
        Payloads.Sign(Payloads.PushPayload(Quiet, new string('1', 40)), "the wrong secret"),
    };

    [Theory]
    [MemberData(nameof(BadSignatures))]
    public async Task Missing_malformed_or_wrong_signature_is_rejected_without_revealing_the_expected_mac(string? signature)
    {
        var delivery = Guid.NewGuid().ToString();
        var body = Payloads.PushPayload(Quiet, new string('1', 40));

        var response = await Daemon.SendAsync(body, deliveryId: delivery, signature: signature);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(Payloads.Sign(body)["sha256=".Length..], text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(HookClient.Secret, text);
        await AssertNoDeployAsync(delivery);
    }

    [Fact]
    public async Task Signature_over_other_bytes_than_those_sent_is_rejected()
    {
        var delivery = Guid.NewGuid().ToString();
        var signed = Payloads.PushPayload(Quiet, fixture.Commit);
        var sent = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(signed) + " ");

        var response = await Daemon.SendAsync(sent, deliveryId: delivery, signature: Payloads.Sign(signed));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        await AssertNoDeployAsync(delivery);
    }

    [Fact]
    public async Task Unsigned_ping_is_rejected()
    {
        var response = await Daemon.SendAsync(Encoding.UTF8.GetBytes(Payloads.RealPing()), "ping", signature: null);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    // --- 413 ---

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Body_over_25_MiB_is_rejected(bool chunked)
    {
        var delivery = Guid.NewGuid().ToString();
        var body = new byte[25 * 1024 * 1024 + 1];
        Array.Fill(body, (byte)' ');

        var response = await Daemon.SendAsync(body, deliveryId: delivery, chunked: chunked);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        await AssertNoDeployAsync(delivery);
    }

    [Fact]
    public async Task Body_of_exactly_25_MiB_is_read()
    {
        var delivery = Guid.NewGuid().ToString();
        var push = Payloads.PushPayload(Site, fixture.Commit, "not-deployed");
        var body = new byte[25 * 1024 * 1024];
        Array.Fill(body, (byte)' ');
        push.CopyTo(body, 0);

        var response = await Daemon.SendAsync(body, deliveryId: delivery);

        await AssertIgnoredAsync(response);
    }
}
