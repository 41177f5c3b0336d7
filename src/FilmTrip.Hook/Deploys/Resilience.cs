using FilmTrip.Hook.Git;
using Polly;
using Polly.Retry;

namespace FilmTrip.Hook.Deploys;

/// <summary>Retries only for transient, idempotent steps. Build steps and reloads are never retried blindly.</summary>
internal static class Resilience
{
    /// <summary>
    /// 3 attempts, exponential backoff with jitter, on network trouble only. Its delays run on <paramref name="time"/>:
    /// the in-process tests drive them with a FakeTimeProvider instead of waiting them out.
    /// </summary>
    public static ResiliencePipeline GitFetch(TimeProvider time) => new ResiliencePipelineBuilder { TimeProvider = time }
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
