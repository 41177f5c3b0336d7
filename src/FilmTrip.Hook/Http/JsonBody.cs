using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FilmTrip.Hook.Http;

/// <summary>A small JSON request body, or the problem to answer when it is not one.</summary>
public static class JsonBody
{
    public static async Task<(T? Body, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, string shape) where T : class
    {
        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(request.Body, JsonSerializerOptions.Web, request.HttpContext.RequestAborted);
            return body is null ? (null, Malformed(shape, null)) : (body, null);
        }
        catch (JsonException e)
        {
            return (null, Malformed(shape, e.Message));
        }
    }

    private static ProblemHttpResult Malformed(string shape, string? reason) =>
        Problems.Create(400, "bad-request", "Malformed JSON", $"the body must be {shape}" + (reason is null ? "" : $": {reason}"));
}
