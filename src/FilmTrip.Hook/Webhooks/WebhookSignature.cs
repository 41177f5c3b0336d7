using System.Security.Cryptography;

namespace FilmTrip.Hook.Webhooks;

public enum SignatureCheck { Valid, Missing, Malformed, Mismatch, NoSecret }

/// <summary>
/// GitHub's X-Hub-Signature-256: "sha256=" + 64 lowercase-or-uppercase hex digits of HMAC-SHA256(secret, raw body).
/// Pure: bytes in, verdict out. Fails closed: with no secret nothing is valid.
/// </summary>
public static class WebhookSignature
{
    private const string Prefix = "sha256=";

    public static SignatureCheck Verify(ReadOnlySpan<byte> body, string? header, ReadOnlySpan<byte> secret)
    {
        if (secret.IsEmpty) return SignatureCheck.NoSecret;
        if (string.IsNullOrEmpty(header)) return SignatureCheck.Missing;
        if (header.Length != Prefix.Length + 64 || !header.StartsWith(Prefix, StringComparison.Ordinal))
            return SignatureCheck.Malformed;

        Span<byte> given = stackalloc byte[32];
        if (Convert.FromHexString(header.AsSpan(Prefix.Length), given, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
            return SignatureCheck.Malformed;

        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(secret, body, expected);
        return CryptographicOperations.FixedTimeEquals(given, expected) ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }

    /// <summary>The header value GitHub would send for <paramref name="body"/> (for tests and the sandbox).</summary>
    public static string Sign(ReadOnlySpan<byte> body, ReadOnlySpan<byte> secret) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(secret, body));
}
