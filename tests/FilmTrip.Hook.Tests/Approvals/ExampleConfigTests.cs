using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Configuration;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Approvals;

/// <summary>config/filmtrip-hook.example.json, the file README tells operators to copy, binds and passes every check.</summary>
public sealed class ExampleConfigTests
{
    private static JsonObject Example() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "config", "filmtrip-hook.example.json")))!.AsObject();

    [Fact]
    public void The_example_is_valid_but_for_the_secret_files_it_names()
    {
        var problems = HookConfig.Problems(Example());

        // The example names files under /etc/filmtrip-hook that only an installed host has.
        Assert.All(problems, p => Assert.Matches("^Hook:[A-Za-z:0-9]*File: file '/etc/filmtrip-hook/[a-z-]+' does not exist$", p));
        Assert.NotEmpty(problems);
    }

    [Fact]
    public void The_example_has_a_staging_service_on_develop_and_production_services_that_need_approval()
    {
        var services = Example().Hook()["Services"]!.AsObject();

        var staging = services["filmtrip-backend-staging"]!;
        Assert.Equal("develop", staging["Branch"]!.GetValue<string>());
        Assert.Null(staging["RequireApproval"]);
        Assert.True(services["filmtrip-backend"]!["RequireApproval"]!.GetValue<bool>());
        Assert.Equal("main", services["filmtrip-backend"]!["Branch"]!.GetValue<string>());
    }
}
