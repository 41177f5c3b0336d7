using FilmTrip.Hook.Git;
using Polly;
using Polly.Retry;

namespace FilmTrip.Hook.Deploys;

/// <summary>Retries only for transient, idempotent steps. Build steps and reloads are never retried blindly.</summary>
internal static class Resilience
{
    /// <summary>3 attempts, exponential backoff with jitter, on network trouble only.</summary>
    public static ResiliencePipeline GitFetch { get; } = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<GitTransientException>(),
            MaxRetryAttempts = 2,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromSeconds(1),
        })
        .Build();
}
