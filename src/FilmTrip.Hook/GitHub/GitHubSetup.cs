using FilmTrip.Hook.Deploys;

namespace FilmTrip.Hook.GitHub;

public static class GitHubSetup
{
    /// <summary>GitHub deployment statuses (issue #12): idle unless Hook:GitHub is set.</summary>
    public static IServiceCollection AddGitHubDeployments(this IServiceCollection services)
    {
        services.AddSingleton<GitHubObserver>();
        services.AddSingleton<IDeployObserver>(sp => sp.GetRequiredService<GitHubObserver>());
        services.AddHostedService<GitHubDeploymentSender>();
        return services;
    }
}
