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
    private const int MacLength = 32;

    public static SignatureCheck Verify(ReadOnlySpan<byte> body, string? header, ReadOnlySpan<byte> secret) =>
        CheckHeader(header, secret) ?? VerifyMac(HMACSHA256.HashData(secret, body), header, secret);

    /// <summary>
    /// What the header and secret alone decide, before a byte of the body is read: NoSecret, Missing or Malformed;
    /// null when the body is worth hashing (issue #11 §8: a request that cannot pass costs no reading).
    /// </summary>
    public static SignatureCheck? CheckHeader(string? header, ReadOnlySpan<byte> secret) =>
        secret.IsEmpty ? SignatureCheck.NoSecret : ParseHeader(header, stackalloc byte[MacLength]);

    /// <summary>The verdict on a body whose HMAC-SHA256 under <paramref name="secret"/> was computed as it streamed in.</summary>
    public static SignatureCheck VerifyMac(ReadOnlySpan<byte> computedMac, string? header, ReadOnlySpan<byte> secret)
    {
        if (secret.IsEmpty) return SignatureCheck.NoSecret;
        Span<byte> given = stackalloc byte[MacLength];
        if (ParseHeader(header, given) is { } refused) return refused;
        return computedMac.Length == MacLength && CryptographicOperations.FixedTimeEquals(given, computedMac)
            ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }

    /// <summary>The header value GitHub would send for <paramref name="body"/> (for tests and the sandbox).</summary>
    public static string Sign(ReadOnlySpan<byte> body, ReadOnlySpan<byte> secret) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(secret, body));

    private static SignatureCheck? ParseHeader(string? header, Span<byte> mac)
    {
        if (string.IsNullOrEmpty(header)) return SignatureCheck.Missing;
        if (header.Length != Prefix.Length + MacLength * 2 || !header.StartsWith(Prefix, StringComparison.Ordinal))
            return SignatureCheck.Malformed;
        return Convert.FromHexString(header.AsSpan(Prefix.Length), mac, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == MacLength ? null : SignatureCheck.Malformed;
    }
}
