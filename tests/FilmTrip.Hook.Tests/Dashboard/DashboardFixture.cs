using FilmTrip.Hook.Tests.Support;
using OpenQA.Selenium;

namespace FilmTrip.Hook.Tests.Dashboard;

/// <summary>
/// One real daemon with two static services ("web", "admin") deployed twice, so each has a live release and a kept one
/// to roll back to; build steps wait on gate files, so a test can hold a deploy running. Shared by the browser tests.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string Collection = "dashboard";

    private Browser? _browser;

    public StaticWorld World { get; private set; } = null!;
    public string Url => $"http://127.0.0.1:{World.Daemon.Port}";

    public async Task InitializeAsync()
    {
        World = await StaticWorld.StartAsync();
        await World.DeployAsync(World.Repo.Head());
        await World.DeployAsync(World.Commit("2"));
    }

    public async Task DisposeAsync()
    {
        _browser?.Dispose();
        await World.DisposeAsync();
    }

    /// <summary>
    /// Opens the dashboard in the collection's one browser, lent clean to this test (<see cref="Browser.Lend"/>),
    /// and gives it the token when it asks.
    /// </summary>
    public Browser OpenSignedIn(string hash = "#/", string token = Daemon.Token)
    {
        var browser = (_browser ??= Browser.Start()).Lend();
        try
        {
            browser.Driver.Navigate().GoToUrl(Url + "/" + hash);
            browser.WaitFor("#token").SendKeys(token);
            browser.Driver.FindElement(By.CssSelector("#login button[type=submit]")).Click();
            return browser;
        }
        catch
        {
            browser.Dispose();
            throw;
        }
    }
}

[CollectionDefinition(DashboardFixture.Collection)]
[LongRunning(25)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>;
