using Microsoft.AspNetCore.Http.HttpResults;

namespace FilmTrip.Hook.Http;

/// <summary>Every error leaves as application/problem+json with a stable type and title and a helpful detail.</summary>
public static class Problems
{
    public const string TypeBase = "https://github.com/filmtrip/filmtrip-hook/blob/main/README.md#error-";

    public static ProblemHttpResult Create(int status, string type, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypeBase + type);

    /// <summary>A service name the configuration does not know (in a path, a query or a body).</summary>
    public static ProblemHttpResult UnknownService(string name) =>
        Create(StatusCodes.Status404NotFound, "unknown-service", "Unknown service", $"no service named '{Quote(name)}'");

    /// <summary>Client text quoted back in an answer, cut short: an answer never grows with what a client sends.</summary>
    public static string Quote(string text) => text.Length <= 100 ? text : text[..100] + "…";
}
