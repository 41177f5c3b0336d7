namespace FilmTrip.Hook.Http;

/// <summary>Every error leaves as application/problem+json with a stable type and title and a helpful detail.</summary>
public static class Problems
{
    public const string TypeBase = "https://github.com/filmtrip/filmtrip-hook/blob/main/README.md#error-";

    public static IResult Create(int status, string type, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypeBase + type);

    /// <summary>Client text quoted back in an answer, cut short: an answer never grows with what a client sends.</summary>
    public static string Quote(string text) => text.Length <= 100 ? text : text[..100] + "…";
}
