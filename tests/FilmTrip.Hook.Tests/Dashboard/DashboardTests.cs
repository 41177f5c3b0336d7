using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;
using OpenQA.Selenium;

namespace FilmTrip.Hook.Tests.Dashboard;

/// <summary>The dashboard in a real headless Chromium against the real daemon (issue #13). Each test saves a screenshot.</summary>
[Collection(DashboardFixture.Collection)]
public sealed class DashboardTests(DashboardFixture fixture)
{
    private StaticWorld World => fixture.World;

    [Fact]
    public async Task Overview_shows_every_service_with_its_live_commit_and_logs_no_console_error()
    {
        var status = await World.Daemon.GetJsonAsync("/status");
        using var browser = fixture.OpenSignedIn();

        foreach (var service in status["services"]!.AsArray())
        {
            var name = service!["name"]!.GetValue<string>();
            var commit = service["current"]!["commit"]!.GetValue<string>();
            // The page re-renders every 2 s: find the card afresh on each look.
            var card = $".card.service[data-service='{name}']";
            browser.WaitFor(card + " .live-commit", e => e.Text == commit[..7]);
            var text = browser.Script<string>("return document.querySelector(arguments[0]).innerText;", card);
            Assert.Contains("v2", text); // the commit's message
            Assert.Contains(service["current"]!["releaseId"]!.GetValue<string>(), text);
        }
        browser.Screenshot("overview");
        Assert.Empty(browser.ConsoleErrors());
        Assert.Null(browser.Script<object?>("return location.href.includes('" + Daemon.Token + "') ? location.href : null"));
    }

    [Fact]
    public void Overview_fits_a_360_px_wide_phone()
    {
        using var browser = fixture.OpenSignedIn();
        browser.PhoneWidth();
        browser.WaitFor(".card.service[data-service='web'] .live-commit");

        var overflow = browser.Script<long>("return document.documentElement.scrollWidth - window.innerWidth;");
        browser.Screenshot("overview-360px");
        Assert.Equal(360L, browser.Script<long>("return window.innerWidth;"));
        Assert.True(overflow <= 0, $"the page is {overflow} px wider than the 360 px screen");
        Assert.Empty(browser.ConsoleErrors());
    }

    [Fact]
    public async Task Deploy_page_shows_the_log_of_a_running_deploy_as_it_is_written()
    {
        World.CloseGate("web");
        var id = (await World.PushAsync(World.Commit(Guid.NewGuid().ToString("n")[..6], "web")))["web"];
        await BuildSteps.WaitUntilStartedAsync(World.Gate("web"));
        using var browser = fixture.OpenSignedIn();
        var running = browser.WaitFor(".card.service[data-service='web'] .running a", e => e.Displayed && e.Text.StartsWith("build"));
        browser.Screenshot("overview-running");
        running.Click();

        // The build step is held at its gate: what the page shows now was written while the deploy ran.
        Assert.EndsWith($"#/deploys/{id}", browser.Driver.Url);
        var log = browser.WaitFor("#log", e => e.Text.Contains("==> build: node -e"));
        Assert.DoesNotContain("finished", log.Text);
        browser.Script<object?>("window.notReloaded = true; return null;");
        browser.Screenshot("deploy-running");
        World.OpenGate("web");

        browser.WaitUntil(() => log.Text.Contains($"deploy {id} finished: succeeded"), "the end of the log", 120);
        Assert.True(browser.Script<bool>("return window.notReloaded === true;"), "the page reloaded instead of streaming");
        browser.WaitFor("#deploy-state .s-succeeded", seconds: 30);
        Assert.Contains("health", browser.Driver.FindElement(By.Id("steps")).Text);
        browser.Screenshot("deploy-finished");
        Assert.Empty(browser.ConsoleErrors());
    }

    [Fact]
    public async Task Rollback_button_after_confirmation_moves_current()
    {
        var web = await World.Daemon.GetJsonAsync("/status/web");
        var live = web["current"]!["releaseId"]!.GetValue<string>();
        var target = web["releases"]!.AsArray().Select(r => r!).First(r => r["releaseId"]!.GetValue<string>() != live);
        var release = target["releaseId"]!.GetValue<string>();
        var commit = target["commit"]!.GetValue<string>();
        using var browser = fixture.OpenSignedIn();

        browser.WaitFor($".card.service[data-service='web'] li[data-release='{release}'] button.rollback").Click();
        var question = browser.WaitFor("#confirm-text");
        Assert.Contains(release, question.Text);
        Assert.Contains(commit[..7], question.Text);
        browser.Screenshot("rollback-confirm");
        browser.Driver.FindElement(By.Id("confirm-ok")).Click();

        await Poll.UntilAsync(() => World.Live("web")?.EndsWith(release, StringComparison.Ordinal) == true,
            TimeSpan.FromSeconds(120), $"current to point at {release}");
        browser.WaitFor("#message", e => e.Displayed && e.Text.Contains("queued as deploy"));
        browser.Screenshot("rollback-queued");
        Assert.Empty(browser.ConsoleErrors());
    }

    [Fact]
    public async Task Service_history_filters_by_state()
    {
        var succeeded = (await World.DeploysOfAsync("web")).Count(d => d["state"]!.GetValue<string>() == "succeeded");
        using var browser = fixture.OpenSignedIn("#/services/web");
        browser.WaitFor("#history tbody tr[data-state]");

        browser.WaitFor("#state-filter option[value='succeeded']", e => e.Enabled).Click();
        browser.WaitUntil(() => browser.Driver.Url.EndsWith("?state=succeeded"), "the filter in the address");
        browser.WaitUntil(() => browser.Driver.FindElements(By.CssSelector("#history tbody tr[data-state]")).Count == succeeded, $"{succeeded} rows");
        Assert.All(browser.Driver.FindElements(By.CssSelector("#history tbody tr[data-state]")),
            row => Assert.Equal("succeeded", row.GetAttribute("data-state")));
        browser.Screenshot("history-succeeded");
        browser.WaitFor("#state-filter option[value='failed']", e => e.Enabled).Click();
        browser.WaitFor("#history tbody td", e => e.Text == "No deploys.");
        Assert.Empty(browser.ConsoleErrors());
    }

    [Fact]
    public void A_wrong_token_shows_a_clear_message_and_asks_again()
    {
        using var browser = fixture.OpenSignedIn(token: "not-the-token");

        var message = browser.WaitFor("#message", e => e.Displayed && e.Text.Length > 0);
        browser.Screenshot("wrong-token");
        Assert.Contains("token was not accepted", message.Text);
        Assert.True(browser.Driver.FindElement(By.Id("login")).Displayed, "the token form is shown again");
        Assert.Empty(browser.Driver.FindElements(By.CssSelector(".card.service")));
        Assert.Null(browser.Script<string?>("return sessionStorage.getItem('filmtrip-hook-token');"));
        // The only errors are the refused requests themselves, never a script error.
        Assert.All(browser.ConsoleErrors(), e => Assert.Contains("401", e));
    }
}
