using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using FilmTrip.Hook.Configuration;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Http;

public static class ApiToken
{
    /// <summary>Checks "Authorization: Bearer &lt;token&gt;" in constant time. Fails closed on an empty configured token.</summary>
    public static bool IsAuthorized(string? authorizationHeader, string configuredToken)
    {
        if (string.IsNullOrEmpty(configuredToken) || authorizationHeader is null
            || !authorizationHeader.StartsWith("Bearer ", StringComparison.Ordinal))
            return false;
        // Hash both sides first so the comparison takes the same time whatever the lengths.
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(authorizationHeader["Bearer ".Length..].Trim()));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(configuredToken));
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    /// <summary>
    /// The rule for reads (status, logs, metrics): the token unless <c>RequireTokenForStatus</c> is off. An endpoint filter,
    /// so features outside Status/ (Metrics/, Dashboard/) share it.
    /// </summary>
    public static async ValueTask<object?> ReadFilter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<HookOptions>>().Value;
        if (options.RequireTokenForStatus && !IsAuthorized(context.HttpContext.Request.Headers.Authorization, options.ApiToken))
            return Unauthorized();
        return await next(context);
    }

    public static ProblemHttpResult Unauthorized() => Problems.Create(StatusCodes.Status401Unauthorized, "unauthorized", "Unauthorized",
        "send 'Authorization: Bearer <ApiToken>' with the token from the daemon's configuration");
}
