using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Configuration;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Notifications;

/// <summary>Hook:Notifications and Hook:GitHub at start-up, through the real binding pipeline: one line per problem, naming its key.</summary>
public sealed class NotificationSettingsTests : IDisposable
{
    private const string RobotUrl = "https://oapi.dingtalk.com/robot/send?access_token=do-not-print-me";
    private readonly TempDirectory _temp = new("notify-config");
    private readonly JsonObject _config;

    public NotificationSettingsTests() => _config = HookConfig.Valid(_temp.Path);

    public void Dispose() => _temp.Dispose();

    private void Sinks(params JsonObject[] sinks) => _config.Hook()["Notifications"] = new JsonArray(sinks);

    private string File(string name, string content, UnixFileMode mode)
    {
        var path = _temp.Combine(name);
        System.IO.File.WriteAllText(path, content);
        System.IO.File.SetUnixFileMode(path, mode);
        return path;
    }

    [Fact]
    public void Sinks_of_every_kind_with_files_for_their_secrets_are_valid()
    {
        var urlFile = File("robot-url", RobotUrl + "\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var secretFile = File("robot-secret", "SECabc\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Sinks(new JsonObject { ["Kind"] = "dingtalk", ["UrlFile"] = urlFile, ["SecretFile"] = secretFile, ["Events"] = new JsonArray("failed", "awaiting_approval") },
            new JsonObject { ["Kind"] = "WeCom", ["Url"] = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", ["Services"] = new JsonArray("backend") },
            new JsonObject { ["Kind"] = "feishu", ["Url"] = "https://open.feishu.cn/open-apis/bot/v2/hook/t", ["Secret"] = "s" },
            new JsonObject { ["Kind"] = "slack", ["Url"] = "https://hooks.slack.com/services/T/B/x" },
            new JsonObject { ["Kind"] = "generic", ["Url"] = "http://127.0.0.1:9000/deploys" });

        Assert.Empty(HookConfig.Problems(_config));
        Assert.Equal(RobotUrl, HookConfig.Bind(_config).Notifications[0].Url);
    }

    [Fact]
    public void Every_bad_sink_setting_is_one_line_naming_its_key_and_no_url_is_repeated()
    {
        var readable = File("robot-url", RobotUrl, (UnixFileMode)0b110_100_100);
        Sinks(new JsonObject { ["Url"] = "https://example.com/hook" },
            new JsonObject { ["Kind"] = "dingtalk", ["UrlFile"] = readable },
            new JsonObject { ["Kind"] = "slack", ["Url"] = "ftp://hooks.slack.com/x?token=do-not-print-me", ["Secret"] = "s" },
            new JsonObject { ["Kind"] = "generic", ["Url"] = "https://example.com/", ["Events"] = new JsonArray("faild"), ["Services"] = new JsonArray("nosuch") });

        var problems = HookConfig.Problems(_config);

        Assert.Equal(
        [
            $"Hook:Notifications:1:UrlFile: file '{readable}' is readable or writable by other users (mode 644); run chmod 600 (or 640 with a dedicated group)",
            "Hook:Notifications:0:Kind: is required (one of dingtalk, wecom, feishu, slack, generic)",
            "Hook:Notifications:2:Secret: Slack robots are not signed (their URL is the credential); remove Secret",
            "Hook:Notifications:2:Url: is not an absolute http(s) URL (not shown: it may hold a credential)",
            "Hook:Notifications:3:Events:0: 'faild' is not a state a notification carries (did you mean 'failed'? one of awaiting_approval, succeeded, failed, rolled_back, interrupted, superseded, skipped, rejected)",
            "Hook:Notifications:3:Services:0: no service named 'nosuch'",
        ], problems.Where(p => p.StartsWith("Hook:Notifications", StringComparison.Ordinal)));
        Assert.DoesNotContain(problems, p => p.Contains("do-not-print-me", StringComparison.Ordinal));
    }

    [Fact]
    public void A_github_section_needs_a_readable_token_file_and_an_http_api_url()
    {
        _config.Hook()["GitHub"] = new JsonObject { ["TokenFile"] = _temp.Combine("missing-token"), ["ApiUrl"] = "api.github.com" };

        Assert.Equal(
        [
            $"Hook:GitHub:TokenFile: file '{_temp.Combine("missing-token")}' does not exist",
            "Hook:GitHub:ApiUrl: 'api.github.com' must be an absolute http(s) URL such as https://api.github.com/ or https://HOST/api/v3/",
        ], HookConfig.Problems(_config).Where(p => p.StartsWith("Hook:GitHub", StringComparison.Ordinal)));
    }
}
