using System.Collections.ObjectModel;
using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.History;
using FilmTrip.Hook.Notifications;
using Microsoft.Extensions.Options;
using Octokit;

namespace FilmTrip.Hook.GitHub;

/// <summary>
/// One GitHub Deployment per deploy (ref = the commit's sha, environment = the service's name, auto_merge off, no
/// required contexts: the daemon deploys exactly that commit), then its statuses: <c>in_progress</c> when the deploy
/// starts, <c>success</c> when it succeeded, <c>failure</c> for failed, rolled_back and interrupted (description = the
/// reason), <c>inactive</c> for skipped and superseded (it never went live). No log_url: the deploy's log needs the
/// API token, so there is no page a link could open. A call that fails is logged and written into the deploy's log;
/// it is not retried (creating a Deployment is not idempotent) and never touches the deploy.
/// </summary>
internal sealed partial class GitHubDeploymentSender(
    IOptions<HookOptions> options,
    GitHubObserver observer,
    FailureLines failures,
    ILogger<GitHubDeploymentSender> logger) : BackgroundService
{
    private readonly Dictionary<string, long> _deployments = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.GitHub is not { } settings) return;
        var client = new GitHubClient(new ProductHeaderValue("filmtrip-hook"), new Uri(settings.ApiUrl))
        {
            Credentials = new Credentials(settings.Token, AuthenticationType.Bearer),
        };
        client.SetRequestTimeout(TimeSpan.FromSeconds(30));
        await foreach (var work in observer.Reader.ReadAllAsync(stoppingToken))
        {
            if (!options.Value.Services.TryGetValue(work.Deploy.Service, out var service) || service.GitHubRepository?.Split('/') is not [var owner, var name])
                continue;
            try
            {
                await SendAsync(client.Repository.Deployment, owner, name, work);
            }
            catch (Exception e) when (e is ApiException or HttpRequestException or TaskCanceledException or InvalidOperationException)
            {
                var what = work.Started ? "creating the GitHub deployment" : $"posting the GitHub deployment status ({StatusOf(work.Deploy.State)})";
                Log.Failed(logger, what, work.Deploy.Id, e.Message);
                failures.Record(work.Deploy, "github", $"{what} for {owner}/{name} failed: {e.Message}");
            }
        }
    }

    private async Task SendAsync(IDeploymentsClient deployments, string owner, string name, GitHubWork work)
    {
        var deploy = work.Deploy;
        if (work.Started || !_deployments.ContainsKey(deploy.Id))
        {
            // A deploy finished after a restart (recovery) has no Deployment yet: create it so its end is shown too.
            var created = await deployments.Create(owner, name, new NewDeployment(deploy.Commit)
            {
                Environment = deploy.Service,
                AutoMerge = false,
                RequiredContexts = new Collection<string>(),
                Description = $"filmtrip-hook {SnakeCase.Name(deploy.Trigger)} {deploy.Id}",
            });
            _deployments[deploy.Id] = created.Id;
            Log.Created(logger, owner, name, created.Id, deploy.Id);
        }
        var state = work.Started ? DeploymentState.InProgress : StatusOf(deploy.State);
        var description = work.Started ? $"deploy {deploy.Id} running" : deploy.Error ?? $"deploy {deploy.Id} {SnakeCase.Name(deploy.State)}";
        await deployments.Status.Create(owner, name, _deployments[deploy.Id], new NewDeploymentStatus(state)
        {
            // GitHub refuses a description over 140 characters.
            Description = description.Length <= 140 ? description : description[..139] + "…",
            Environment = deploy.Service,
        });
        if (!work.Started) _deployments.Remove(deploy.Id);
    }

    private static DeploymentState StatusOf(DeployState state) => state switch
    {
        DeployState.Succeeded => DeploymentState.Success,
        DeployState.Skipped or DeployState.Superseded => DeploymentState.Inactive,
        _ => DeploymentState.Failure,
    };

    private static partial class Log
    {
        [LoggerMessage(5201, LogLevel.Information, "GitHub deployment {DeploymentId} created in {Owner}/{Name} for deploy {DeployId}")]
        public static partial void Created(ILogger logger, string owner, string name, long deploymentId, string deployId);

        [LoggerMessage(5202, LogLevel.Warning, "{What} for deploy {DeployId} failed; the deploy is not affected: {Reason}")]
        public static partial void Failed(ILogger logger, string what, string deployId, string reason);
    }
}
