using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Processes;

namespace FilmTrip.Hook.Deploys.GoLive;

/// <summary>One BlueGreen color: its name, its port and its pm2 app (<c>&lt;App&gt;-blue</c>, <c>&lt;App&gt;-green</c>).</summary>
internal sealed record Color(string Name, int Port, Pm2Context App);

/// <summary>A service's two colors, the release each runs (from history), and the port nginx sends traffic to.</summary>
internal sealed record Colors(Color Blue, Color Green, int? LivePort, IReadOnlyDictionary<string, string> Running)
{
    public IReadOnlyList<Color> All => [Blue, Green];

    /// <summary>
    /// The color nginx routes to; null when nothing is live yet or the upstream names a process that is no color
    /// (the single app of a service that ran under Reload, being migrated).
    /// </summary>
    public Color? Live() => All.FirstOrDefault(c => c.Port == LivePort && Running.ContainsKey(c.Name));

    /// <summary>The release a color runs, or null when it is not running.</summary>
    public string? ReleaseOf(Color color) => Running.GetValueOrDefault(color.Name);

    /// <summary>The color to start a release in: the one that takes no traffic (blue when neither does, unless a migrating app holds blue's port).</summary>
    public Color Idle(Color? live) => live is not null ? (live == Blue ? Green : Blue) : LivePort == Blue.Port ? Green : Blue;

    public static Colors Of(DeployPlan plan, IReadOnlyDictionary<string, string> running) => Of(plan.Service, plan.Pm2!, running);

    public static Colors Of(ServiceOptions settings, IReadOnlyDictionary<string, string> running) =>
        Of(settings, DeployPlan.Pm2ContextOf(settings, ChildEnvironment.Of(settings))!, running);

    private static Colors Of(ServiceOptions service, Pm2Context app, IReadOnlyDictionary<string, string> running)
    {
        var bg = service.BlueGreen!;
        return new Colors(
            new Color("blue", bg.Ports[0], app with { App = app.App + "-blue" }),
            new Color("green", bg.Ports[1], app with { App = app.App + "-green" }),
            NginxUpstream.LivePort(bg), running);
    }
}
