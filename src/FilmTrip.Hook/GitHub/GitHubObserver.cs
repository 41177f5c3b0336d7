using System.Threading.Channels;
using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Deploys;
using FilmTrip.Hook.History;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.GitHub;

/// <summary>A deploy that started (create the GitHub Deployment, in_progress) or finished (its final status).</summary>
internal sealed record GitHubWork(DeployRecord Deploy, bool Started);

/// <summary>
/// Hears deploys when Hook:GitHub is set and queues the API calls for <see cref="GitHubDeploymentSender"/>; never waits.
/// Unbounded on purpose: two items per deploy at most, and dropping one would leave a Deployment in_progress forever.
/// </summary>
internal sealed class GitHubObserver(IOptions<HookOptions> options) : IDeployObserver
{
    private readonly Channel<GitHubWork> _channel = Channel.CreateUnbounded<GitHubWork>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<GitHubWork> Reader => _channel.Reader;

    public void Started(DeployRecord deploy)
    {
        if (options.Value.GitHub is not null) _channel.Writer.TryWrite(new GitHubWork(deploy, Started: true));
    }

    public void Finished(DeployRecord deploy)
    {
        // A rejected push never started: it has no Deployment to finish.
        if (options.Value.GitHub is not null && deploy.State != DeployState.Rejected)
            _channel.Writer.TryWrite(new GitHubWork(deploy, Started: false));
    }
}
