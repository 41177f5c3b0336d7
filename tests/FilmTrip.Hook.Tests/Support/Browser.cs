using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>
/// Debian's headless Chromium driven through Debian's chromedriver (apt packages chromium, chromium-driver; .ci/run
/// installs them). Both paths are given, so Selenium Manager never tries to download a driver or a browser.
/// </summary>
public sealed class Browser : IDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string DriverPath = "/usr/bin/chromedriver";

    private readonly bool _lent;

    private Browser(ChromeDriver driver, bool lent = false)
    {
        Driver = driver;
        _lent = lent;
    }

    public ChromeDriver Driver { get; }

    public static Browser Start(int width = 1280, int height = 900)
    {
        if (!File.Exists(ChromiumPath) || !File.Exists(DriverPath))
            throw new InvalidOperationException($"{ChromiumPath} and {DriverPath} are needed: apt-get install -y chromium chromium-driver");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments("--headless=new", $"--window-size={width},{height}", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--disable-extensions");
        // Chromium's own sandbox needs user namespaces it may not get as root in a container.
        if (Environment.UserName == "root") options.AddArgument("--no-sandbox");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        return new Browser(new ChromeDriver(service, options, TimeSpan.FromSeconds(120)));
    }

    /// <summary>Waits for an element matching the selector that satisfies <paramref name="until"/> (visible by default).</summary>
    public IWebElement WaitFor(string css, Func<IWebElement, bool>? until = null, int seconds = 30)
    {
        var wait = new WebDriverWait(Driver, TimeSpan.FromSeconds(seconds)) { Message = $"'{css}' in the page" };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        return wait.Until(d => d.FindElements(By.CssSelector(css)).FirstOrDefault(e => until is null ? e.Displayed : until(e)));
    }

    public void WaitUntil(Func<bool> condition, string what, int seconds = 30)
    {
        var wait = new WebDriverWait(Driver, TimeSpan.FromSeconds(seconds)) { Message = what };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        wait.Until(_ => condition());
    }

    public T Script<T>(string script, params object[] args) => (T)Driver.ExecuteScript(script, args)!;

    /// <summary>Every message the page logged at error level (console.error, uncaught exceptions, failed loads).</summary>
    public IReadOnlyList<string> ConsoleErrors() =>
        Driver.Manage().Logs.GetLog(LogType.Browser).Where(e => e.Level >= LogLevel.Severe).Select(e => e.Message).ToList();

    /// <summary>Saves a PNG under the test output directory (screenshots/) and returns its path.</summary>
    public string Screenshot(string name)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name + ".png");
        Driver.GetScreenshot().SaveAsFile(path);
        return path;
    }

    /// <summary>Emulates a phone's viewport (a window cannot be made this narrow on every platform).</summary>
    public void PhoneWidth(int width = 360, int height = 780) =>
        Driver.ExecuteCdpCommand("Emulation.setDeviceMetricsOverride",
            new Dictionary<string, object?> { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = true });

    /// <summary>
    /// This browser for one test (a Chromium start is about 7 CPU-s): disposing the loan gives it back as a new one
    /// would be, on a blank page with no storage, cookies, viewport override or unread console messages.
    /// </summary>
    public Browser Lend()
    {
        _ = Driver.Manage().Logs.GetLog(LogType.Browser); // what an earlier test left unread
        return new Browser(Driver, lent: true);
    }

    public void Dispose()
    {
        if (_lent)
        {
            Driver.ExecuteScript("try { sessionStorage.clear(); localStorage.clear(); } catch (e) { } return null;");
            Driver.Manage().Cookies.DeleteAllCookies();
            Driver.ExecuteCdpCommand("Emulation.clearDeviceMetricsOverride", new Dictionary<string, object?>());
            Driver.Navigate().GoToUrl("about:blank");
            return;
        }
        Driver.Quit();
        Driver.Dispose();
    }
}
