using System.Text.Json.Nodes;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>
/// A sample app under samples/ that <see cref="BackendWorld"/> commits and deploys: its backend/ is the pm2 service,
/// named like the app in its ecosystem file (the daemon starts it with <c>--only App</c>).
/// </summary>
/// <param name="Build">The service's build steps; null: none.</param>
/// <param name="Verify">BlueGreen Verify steps the sample ships; null: none.</param>
/// <param name="HasFrontend">Whether the sample has a frontend/ the world deploys as a static service.</param>
public sealed record BackendSample(string Directory, string App, Func<JsonArray>? Build, Func<JsonArray>? Verify, bool HasFrontend)
{
    /// <summary>
    /// samples/filmtrip: follows the shutdown contract; npm ci, then its migration; a static frontend. The migration
    /// is its package script's own command (<c>node migrate.js</c>): an <c>npm run</c> costs an npm start (about
    /// 0.6 CPU-s) on every deploy of every backend test. README's main job (scripts/sandbox.sh, Sandbox/) runs the
    /// sample's npm scripts as an operator would configure them.
    /// </summary>
    public static BackendSample FilmTrip { get; } = new("filmtrip", "filmtrip-backend",
        () => new JsonArray(
            new JsonObject { ["Run"] = new JsonArray("npm", "ci", "--omit=dev", "--no-audit", "--no-fund"), ["SkipWhenDependenciesUnchanged"] = true },
            new JsonArray("node", "migrate.js")),
        Verify: null, HasFrontend: true);

    /// <summary>samples/nocontract: no shutdown contract, no dependencies, a smoke test for BlueGreen's Verify.</summary>
    public static BackendSample NoContract { get; } = new("nocontract", "nocontract-backend",
        Build: null, () => new JsonArray(new JsonArray("node", "smoke.js")), HasFrontend: false);

    public string SourceDirectory => Path.Combine(RepoPaths.Root, "samples", Directory);
}
