using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace CoeInsights.Web.Tests;

/// <summary>
/// Debian's headless Chromium driven by its chromedriver (both from apt: chromium, chromium-driver; nothing is
/// downloaded). One browser per test class; every test starts with fresh cookies.
/// </summary>
public sealed class Browser : IDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string DriverPath = "/usr/bin/chromedriver";

    private readonly Lazy<ChromeDriver> _driver = new(Start);

    public ChromeDriver Driver => _driver.Value;

    private static ChromeDriver Start()
    {
        if (!File.Exists(ChromiumPath) || !File.Exists(DriverPath))
            throw new InvalidOperationException("Debian's chromium and chromium-driver are needed (scripts/install-deps.sh installs them).");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        // --no-sandbox: tests run as root in CI, where Chromium's sandbox refuses to start.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900", "--lang=en-GB",
            "--disable-extensions", "--no-first-run");
        var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
        driver.Manage().Timeouts().AsynchronousJavaScript = TimeSpan.FromSeconds(30);
        return driver;
    }

    /// <summary>
    /// Runs axe-core (the script Deque.AxeCore.Commons ships) on the current page and returns the violations of impact
    /// serious or critical, as "rule: help (html of the first node)".
    /// </summary>
    public IReadOnlyList<string> SeriousAccessibilityViolations()
    {
        var script = new Deque.AxeCore.Commons.BundledAxeScriptProvider().GetScript();
        Driver.ExecuteScript(script);
        var json = (string?)Driver.ExecuteAsyncScript("""
            const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
              .then(r => done(JSON.stringify(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, html: v.nodes.map(n => n.html)[0] })))))
              .catch(e => done(JSON.stringify([{ id: 'axe-error', impact: 'critical', help: String(e), html: '' }])));
            """);
        using var doc = JsonDocument.Parse(json ?? "[]");
        return doc.RootElement.EnumerateArray()
            .Where(v => v.GetProperty("impact").GetString() is "serious" or "critical")
            .Select(v => $"{v.GetProperty("id").GetString()}: {v.GetProperty("help").GetString()} ({v.GetProperty("html").GetString()})")
            .ToList();
    }

    /// <summary>
    /// The page at desktop (1280 px) and phone (390 px) width, full height. Written under COE_WEB_SCREENSHOTS when set
    /// (the README's pictures: <c>COE_WEB_SCREENSHOTS=$PWD/docs/web dotnet test tests/CoeInsights.Web.Tests</c>).
    /// Returns the phone-width page's scroll width, so a test can check nothing overflows sideways.
    /// </summary>
    public long Screenshots(string name)
    {
        var folder = Environment.GetEnvironmentVariable("COE_WEB_SCREENSHOTS");
        long phoneScrollWidth = 0;
        foreach (var (suffix, width) in new[] { ("desktop", 1280), ("phone", 390) })
        {
            var height = Convert.ToInt64(Driver.ExecuteScript("return Math.min(document.documentElement.scrollHeight, 4000)"));
            Driver.ExecuteCdpCommand("Emulation.setDeviceMetricsOverride", new Dictionary<string, object?>
            {
                ["width"] = width, ["height"] = Math.Max(600, height), ["deviceScaleFactor"] = 1, ["mobile"] = width < 500,
            });
            height = Convert.ToInt64(Driver.ExecuteScript("return Math.min(document.documentElement.scrollHeight, 4000)"));
            Driver.ExecuteCdpCommand("Emulation.setDeviceMetricsOverride", new Dictionary<string, object?>
            {
                ["width"] = width, ["height"] = Math.Max(600, height), ["deviceScaleFactor"] = 1, ["mobile"] = width < 500,
            });
            if (width < 500) phoneScrollWidth = Convert.ToInt64(Driver.ExecuteScript("return document.documentElement.scrollWidth"));
            if (width < 500 && phoneScrollWidth > width)
                Console.WriteLine("too wide: " + Driver.ExecuteScript(
                    "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391).slice(0, 5).map(e => e.tagName + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ')"));
            if (folder is { Length: > 0 })
            {
                Directory.CreateDirectory(folder);
                Driver.GetScreenshot().SaveAsFile(Path.Combine(folder, $"{name}-{suffix}.png"));
            }
        }
        Driver.ExecuteCdpCommand("Emulation.clearDeviceMetricsOverride", new Dictionary<string, object?>());
        return phoneScrollWidth;
    }

    public void Dispose()
    {
        if (_driver.IsValueCreated) _driver.Value.Quit();
    }
}
