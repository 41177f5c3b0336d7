using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Notifications;

/// <summary>
/// Every robot kind against a real receiver on 127.0.0.1, through the real daemon (issue #12 point 1): the payload
/// each platform documents, the DingTalk and Feishu signatures, and the Events and Services filters. "web" needs
/// approval, so its push only ever waits; "admin" deploys.
/// </summary>
public sealed class RobotPayloadTests : IAsyncLifetime
{
    private const string DingTalkSecret = "SECdingtalk-test-secret";
    private const string FeishuSecret = "feishu-test-secret";
    private const string GenericSecret = "generic-test-secret";
    private static readonly string[] Kinds = ["dingtalk", "wecom", "feishu", "slack", "generic"];

    private readonly Dictionary<string, HttpReceiver> _robots = [];
    private HttpReceiver _awaiting = null!;
    private HttpReceiver _filteredOut = null!;
    private StaticWorld _world = null!;

    public async Task InitializeAsync()
    {
        foreach (var kind in Kinds) _robots[kind] = await HttpReceiver.StartAsync();
        _robots["dingtalk"].Answer = _robots["wecom"].Answer = (_, _) => (200, "{\"errcode\":0,\"errmsg\":\"ok\"}");
        _robots["feishu"].Answer = (_, _) => (200, "{\"code\":0,\"msg\":\"success\",\"data\":{}}");
        _robots["slack"].Answer = (_, _) => (200, "ok");
        _robots["generic"].Answer = _awaitingAnswer;
        _awaiting = await HttpReceiver.StartAsync();
        _awaiting.Answer = _awaitingAnswer;
        _filteredOut = await HttpReceiver.StartAsync();
        var sinks = new JsonArray(
            Sink("dingtalk", _robots["dingtalk"].BaseUrl + "/robot/send?access_token=dt-token", DingTalkSecret),
            Sink("wecom", _robots["wecom"].BaseUrl + "/cgi-bin/webhook/send?key=wc-key"),
            Sink("feishu", _robots["feishu"].BaseUrl + "/open-apis/bot/v2/hook/fs-token", FeishuSecret),
            Sink("slack", _robots["slack"].BaseUrl + "/services/T0/B0/slack-token"),
            Sink("generic", _robots["generic"].BaseUrl + "/deploys", GenericSecret),
            new JsonObject { ["Kind"] = "generic", ["Url"] = _awaiting.BaseUrl + "/", ["Events"] = new JsonArray("awaiting_approval") },
            new JsonObject { ["Kind"] = "generic", ["Url"] = _filteredOut.BaseUrl + "/", ["Services"] = new JsonArray("web"), ["Events"] = new JsonArray("succeeded") });
        _world = await StaticWorld.StartAsync(configure: c =>
        {
            c["Hook"]!["Services"]!["web"]!["RequireApproval"] = true;
            c["Hook"]!["Notifications"] = sinks;
        });
    }

    private static readonly Func<ReceivedRequest, int, (int, string)> _awaitingAnswer = (_, _) => (204, "");

    /// <summary>A sink for admin's succeeded deploys only.</summary>
    private static JsonObject Sink(string kind, string url, string? secret = null)
    {
        var sink = new JsonObject { ["Kind"] = kind, ["Url"] = url, ["Events"] = new JsonArray("succeeded"), ["Services"] = new JsonArray("admin") };
        if (secret is not null) sink["Secret"] = secret;
        return sink;
    }

    public async Task DisposeAsync()
    {
        await _world.DisposeAsync();
        foreach (var robot in _robots.Values.Append(_awaiting).Append(_filteredOut)) await robot.DisposeAsync();
    }

    [Fact]
    public async Task Each_robot_gets_its_documented_payload_and_the_filters_hold()
    {
        var head = _world.Repo.Head();
        var ids = await _world.PushAsync(head);
        DeployAssert.State("succeeded", await _world.Daemon.WaitForDeployAsync(ids["admin"]));
        foreach (var (kind, robot) in _robots)
            await Poll.UntilAsync(() => robot.Requests.Count >= 1, TimeSpan.FromSeconds(30), $"the {kind} robot to be called");
        await Poll.UntilAsync(() => _awaiting.Requests.Count >= 1, TimeSpan.FromSeconds(30), "the awaiting_approval notice");

        var facts = new[] { "admin", "succeeded", head[..12] + " v1 (Test)", ids["admin"] };
        AssertDingTalk(Assert.Single(_robots["dingtalk"].Requests), facts);
        AssertWeCom(Assert.Single(_robots["wecom"].Requests), facts);
        AssertFeishu(Assert.Single(_robots["feishu"].Requests), facts);
        AssertSlack(Assert.Single(_robots["slack"].Requests), facts);
        AssertGeneric(Assert.Single(_robots["generic"].Requests), head, ids["admin"]);

        var awaiting = JsonNode.Parse(Assert.Single(_awaiting.Requests).Body)!;
        Assert.Equal("awaiting_approval", awaiting["state"]!.GetValue<string>());
        Assert.Equal(ids["web"], awaiting["deployId"]!.GetValue<string>());
        Assert.Empty(_filteredOut.Requests);
    }

    private static void AssertDingTalk(ReceivedRequest request, string[] facts)
    {
        Assert.Equal("/robot/send", request.Path);
        var query = System.Web.HttpUtility.ParseQueryString(request.Query);
        Assert.Equal("dt-token", query["access_token"]);
        var timestamp = query["timestamp"]!;
        Assert.InRange(long.Parse(timestamp), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(DingTalkSecret), Encoding.UTF8.GetBytes($"{timestamp}\n{DingTalkSecret}")));
        Assert.Equal(expected, query["sign"]);
        var body = JsonNode.Parse(request.Body)!.AsObject();
        Assert.Equal(["msgtype", "markdown"], body.Select(p => p.Key));
        Assert.Equal("markdown", body["msgtype"]!.GetValue<string>());
        Assert.Equal(["title", "text"], body["markdown"]!.AsObject().Select(p => p.Key));
        Assert.Contains("admin", body["markdown"]!["title"]!.GetValue<string>());
        AssertFacts(body["markdown"]!["text"]!.GetValue<string>(), facts);
    }

    private static void AssertWeCom(ReceivedRequest request, string[] facts)
    {
        Assert.Equal("?key=wc-key", request.Query);
        var body = JsonNode.Parse(request.Body)!.AsObject();
        Assert.Equal(["msgtype", "markdown"], body.Select(p => p.Key));
        Assert.Equal("markdown", body["msgtype"]!.GetValue<string>());
        Assert.Equal(["content"], body["markdown"]!.AsObject().Select(p => p.Key));
        var content = body["markdown"]!["content"]!.GetValue<string>();
        Assert.InRange(Encoding.UTF8.GetByteCount(content), 1, 4096);
        AssertFacts(content, facts);
    }

    private static void AssertFeishu(ReceivedRequest request, string[] facts)
    {
        Assert.Equal("/open-apis/bot/v2/hook/fs-token", request.Path);
        var body = JsonNode.Parse(request.Body)!.AsObject();
        Assert.Equal(["timestamp", "sign", "msg_type", "content"], body.Select(p => p.Key));
        var timestamp = body["timestamp"]!.GetValue<string>();
        Assert.InRange(long.Parse(timestamp), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes($"{timestamp}\n{FeishuSecret}"), Array.Empty<byte>()));
        Assert.Equal(expected, body["sign"]!.GetValue<string>());
        Assert.Equal("text", body["msg_type"]!.GetValue<string>());
        Assert.Equal(["text"], body["content"]!.AsObject().Select(p => p.Key));
        AssertFacts(body["content"]!["text"]!.GetValue<string>(), facts);
    }

    private static void AssertSlack(ReceivedRequest request, string[] facts)
    {
        var body = JsonNode.Parse(request.Body)!.AsObject();
        Assert.Equal(["text", "blocks"], body.Select(p => p.Key));
        var block = Assert.Single(body["blocks"]!.AsArray())!;
        Assert.Equal("section", block["type"]!.GetValue<string>());
        Assert.Equal("mrkdwn", block["text"]!["type"]!.GetValue<string>());
        AssertFacts(block["text"]!["text"]!.GetValue<string>(), facts);
    }

    private static void AssertGeneric(ReceivedRequest request, string head, string deployId)
    {
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(GenericSecret), Encoding.UTF8.GetBytes(request.Body)));
        Assert.Equal(expected, request.Header("X-FilmTrip-Signature-256"));
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal("succeeded", body["state"]!.GetValue<string>());
        Assert.Equal("admin", body["service"]!.GetValue<string>());
        Assert.Equal(deployId, body["deployId"]!.GetValue<string>());
        Assert.Equal(head, body["commit"]!["sha"]!.GetValue<string>());
        Assert.Equal("v1", body["commit"]!["message"]!.GetValue<string>());
        Assert.Equal("Test", body["commit"]!["author"]!.GetValue<string>());
        Assert.True(body["durationSeconds"]!.GetValue<double>() > 0);
    }

    private static void AssertFacts(string text, string[] facts)
    {
        foreach (var fact in facts) Assert.Contains(fact, text);
        Assert.Contains("duration", text);
    }
}
