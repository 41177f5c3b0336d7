using System.Text;
using System.Text.RegularExpressions;
using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Deploys;
using FilmTrip.Hook.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Webhooks;

/// <summary>POST /webhooks/github: the front door. Verify, parse, match, queue, answer 202 within GitHub's 10 s. See issue #2.</summary>
public static partial class GitHubWebhookEndpoints
{
    /// <summary>GitHub's own cap on a delivery.</summary>
    public const int MaxBodyBytes = 25 * 1024 * 1024;

    public static IEndpointRouteBuilder MapGitHubWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/github", ReceiveAsync).DisableAntiforgery();
        return app;
    }

    public sealed record QueuedDeploy(string Service, string DeployId, string Commit);
    public sealed record Accepted(string DeliveryId, IReadOnlyList<QueuedDeploy> Deploys);

    internal static async Task<IResult> ReceiveAsync(HttpRequest request, IOptions<HookOptions> options, DeliverySpool spool,
        DeployQueue queue, ILoggerFactory loggers, Metrics.HookMetrics metrics, CancellationToken cancellationToken)
    {
        var result = await HandleAsync(request, options, spool, queue, loggers, cancellationToken);
        metrics.Delivery(result.Outcome);
        return result.Answer;
    }

    /// <summary>The answer and what it counts as in filmtrip_hook_webhook_deliveries_total (issue #13).</summary>
    private static async Task<(IResult Answer, string Outcome)> HandleAsync(HttpRequest request, IOptions<HookOptions> options,
        DeliverySpool spool, DeployQueue queue, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger("FilmTrip.Hook.Webhooks");
        var hook = options.Value;
        var secret = Encoding.UTF8.GetBytes(hook.WebhookSecret);
        var signature = request.Headers["X-Hub-Signature-256"].ToString();
        if (request.ContentLength > MaxBodyBytes) return (TooLarge(), "bad_payload");
        // A header that cannot pass ends the request before a byte of the body is read (issue #11 §8).
        if (WebhookSignature.CheckHeader(signature, secret) is { } refused) return (Rejected(logger, refused), "bad_signature");

        await using var body = await spool.ReadAsync(request, secret, MaxBodyBytes, cancellationToken);
        if (body.Outcome == SpoolOutcome.TooLarge) return (TooLarge(), "bad_payload");
        if (body.Outcome == SpoolOutcome.Busy) return (Busy(request.HttpContext.Response, logger, spool.Slots), "busy");
        var verdict = WebhookSignature.VerifyMac(body.Mac, signature, secret);
        if (verdict != SignatureCheck.Valid) return (Rejected(logger, verdict), "bad_signature");

        var eventName = request.Headers["X-GitHub-Event"].ToString();
        if (eventName == "ping") return (TypedResults.Ok(new { pong = true }), "ignored");
        if (eventName != "push") return (Ignore($"event '{Problems.Quote(eventName)}' does not deploy"), "ignored");

        var deliveryId = request.Headers["X-GitHub-Delivery"].ToString();
        if (!DeliveryId().IsMatch(deliveryId))
            return (Problems.Create(StatusCodes.Status400BadRequest, "bad-delivery-id", "Bad delivery id",
                "X-GitHub-Delivery must be present: 1 to 100 letters, digits or dashes"), "bad_payload");

        var (push, problem) = PushEventParser.Parse(await body.ReadAllAsync(cancellationToken), request.ContentType);
        if (push is null) return (Problems.Create(StatusCodes.Status400BadRequest, "bad-payload", "Malformed push payload", problem!), "bad_payload");
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["DeliveryId"] = deliveryId });

        var (services, reason) = Match(hook, push);
        if (services.Count == 0) return (Ignore(reason!), "ignored");

        var deploys = queue.AcceptPush(deliveryId, push.After, services);
        if (deploys is null)
        {
            Log.Duplicate(logger, deliveryId);
            return (TypedResults.Ok(new { duplicate = true }), "duplicate");
        }
        Log.Accepted(logger, deliveryId, push.After, string.Join(",", services));
        return (TypedResults.Accepted((string?)null, new Accepted(deliveryId, deploys.Select(d => new QueuedDeploy(d.Service, d.Id, d.Commit)).ToList())), "accepted");
    }

    /// <summary>The services a push deploys, or why it deploys none.</summary>
    internal static (IReadOnlyList<string> Services, string? Reason) Match(HookOptions hook, PushEvent push)
    {
        if (push.Ref.StartsWith("refs/tags/", StringComparison.Ordinal)) return ([], "tag pushes do not deploy");
        if (push.Deleted) return ([], "a branch deletion does not deploy");
        var ofRepository = hook.Services
            .Where(s => string.Equals(s.Value.GitHubRepository, push.Repository, StringComparison.OrdinalIgnoreCase)).ToList();
        if (ofRepository.Count == 0) return ([], $"no service deploys from repository '{Problems.Quote(push.Repository)}'");
        var matching = ofRepository.Where(s => push.Ref == $"refs/heads/{s.Value.Branch}").Select(s => s.Key).ToList();
        return matching.Count == 0
            ? ([], $"'{Problems.Quote(push.Ref)}' is not a deploy branch ({string.Join(", ", ofRepository.Select(s => "refs/heads/" + s.Value.Branch).Distinct())})")
            : (matching, null);
    }

    private static IResult Ignore(string reason) => TypedResults.Json(new { ignored = reason }, statusCode: StatusCodes.Status202Accepted);

    private static IResult TooLarge() => Problems.Create(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "Payload too large",
        $"a delivery may be at most {MaxBodyBytes} bytes");

    private static IResult Rejected(ILogger logger, SignatureCheck verdict)
    {
        Log.Rejected(logger, verdict);
        return Problems.Create(StatusCodes.Status401Unauthorized, "bad-signature", "Signature not accepted", verdict switch
        {
            SignatureCheck.Missing => "the X-Hub-Signature-256 header is missing",
            SignatureCheck.Malformed => "X-Hub-Signature-256 must be 'sha256=' followed by 64 hex digits",
            _ => "X-Hub-Signature-256 does not match the body and the configured secret",
        });
    }

    private static IResult Busy(HttpResponse response, ILogger logger, DeliverySlots slots)
    {
        var seconds = (int)Math.Ceiling(slots.Wait.TotalSeconds);
        Log.Busy(logger, slots.Count, seconds);
        response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problems.Create(StatusCodes.Status503ServiceUnavailable, "busy", "Too many large deliveries at once",
            $"{slots.Count} deliveries over {DeliverySpool.SmallBody} bytes were being read for all of {seconds} s; redeliver this one");
    }

    [GeneratedRegex(@"^[A-Za-z0-9-]{1,100}\z")]
    private static partial Regex DeliveryId();

    private static partial class Log
    {
        [LoggerMessage(2001, LogLevel.Warning, "Webhook rejected: signature {Verdict}")]
        public static partial void Rejected(ILogger logger, SignatureCheck verdict);

        [LoggerMessage(2002, LogLevel.Information, "Push {DeliveryId} of {Commit} queued for {Services}")]
        public static partial void Accepted(ILogger logger, string deliveryId, string commit, string services);

        [LoggerMessage(2003, LogLevel.Information, "Delivery {DeliveryId} was accepted before; not deploying again")]
        public static partial void Duplicate(ILogger logger, string deliveryId);

        [LoggerMessage(2004, LogLevel.Warning, "Webhook turned away with 503: {Slots} large deliveries were being read for all of {Seconds} s")]
        public static partial void Busy(ILogger logger, int slots, int seconds);
    }
}
