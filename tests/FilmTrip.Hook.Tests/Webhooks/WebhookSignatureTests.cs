using System.Security.Cryptography;
using System.Text;
using FilmTrip.Hook.Webhooks;

namespace FilmTrip.Hook.Tests.Webhooks;

/// <summary>X-Hub-Signature-256 as a pure function. GitHub's documented test vector anchors it. See issue #2 §4.</summary>
[Trait("Tier", "InProcess")]
public sealed class WebhookSignatureTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("It's a Secret to Everybody");
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("Hello, World!");
    private const string GitHubVector = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    [Fact]
    public void GitHubs_test_vector_is_valid() =>
        Assert.Equal(SignatureCheck.Valid, WebhookSignature.Verify(Body, GitHubVector, Secret));

    [Fact]
    public void Sign_produces_GitHubs_test_vector() =>
        Assert.Equal(GitHubVector, WebhookSignature.Sign(Body, Secret));

    [Fact]
    public void Uppercase_hex_digits_are_accepted() =>
        Assert.Equal(SignatureCheck.Valid, WebhookSignature.Verify(Body, "sha256=" + GitHubVector["sha256=".Length..].ToUpperInvariant(), Secret));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_header_is_Missing(string? header) =>
        Assert.Equal(SignatureCheck.Missing, WebhookSignature.Verify(Body, header, Secret));

    [Theory]
    [InlineData("sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("SHA256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData(" sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1")]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e170")]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1g")]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1 ")]
    [InlineData("sha256=")]
    public void Malformed_header_is_Malformed(string header) =>
        Assert.Equal(SignatureCheck.Malformed, WebhookSignature.Verify(Body, header, Secret));

    [Fact]
    public void Signature_of_another_body_is_Mismatch() =>
        Assert.Equal(SignatureCheck.Mismatch, WebhookSignature.Verify(Encoding.UTF8.GetBytes("Hello, World?"), GitHubVector, Secret));

    [Fact]
    public void Signature_made_with_another_secret_is_Mismatch() =>
        Assert.Equal(SignatureCheck.Mismatch, WebhookSignature.Verify(Body, GitHubVector, Encoding.UTF8.GetBytes("It's a Secret to Nobody")));

    [Fact]
    public void Well_formed_but_wrong_digits_are_Mismatch() =>
        Assert.Equal(SignatureCheck.Mismatch, WebhookSignature.Verify(Body, "sha256=" + new string('0', 64), Secret));

    [Theory]
    [InlineData(GitHubVector)]
    [InlineData(null)]
    [InlineData("garbage")]
    public void Empty_secret_is_NoSecret_whatever_the_header(string? header) =>
        Assert.Equal(SignatureCheck.NoSecret, WebhookSignature.Verify(Body, header, []));

    [Fact]
    public void Empty_secret_refuses_even_the_signature_an_empty_key_would_give() =>
        Assert.Equal(SignatureCheck.NoSecret, WebhookSignature.Verify(Body, WebhookSignature.Sign(Body, []), []));

    // --- the streaming pair: the header alone first, then the MAC computed as the body arrived (issue #11 §8) ---

    [Theory]
    [InlineData(null, SignatureCheck.Missing)]
    [InlineData("", SignatureCheck.Missing)]
    [InlineData("sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", SignatureCheck.Malformed)]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1g", SignatureCheck.Malformed)]
    [InlineData("sha256=", SignatureCheck.Malformed)]
    public void Header_that_cannot_pass_is_refused_before_the_body(string? header, SignatureCheck expected) =>
        Assert.Equal(expected, WebhookSignature.CheckHeader(header, Secret));

    [Theory]
    [InlineData(GitHubVector)]
    [InlineData("sha256=0000000000000000000000000000000000000000000000000000000000000000")]
    public void Well_formed_header_leaves_the_verdict_to_the_body(string header) =>
        Assert.Null(WebhookSignature.CheckHeader(header, Secret));

    [Fact]
    public void Header_check_with_an_empty_secret_is_NoSecret() =>
        Assert.Equal(SignatureCheck.NoSecret, WebhookSignature.CheckHeader(GitHubVector, []));

    [Fact]
    public void Mac_computed_chunk_by_chunk_verifies_GitHubs_test_vector()
    {
        using var mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Secret);
        foreach (var chunk in Body.Chunk(4)) mac.AppendData(chunk);

        Assert.Equal(SignatureCheck.Valid, WebhookSignature.VerifyMac(mac.GetHashAndReset(), GitHubVector, Secret));
    }

    [Fact]
    public void Mac_of_other_bytes_is_Mismatch() =>
        Assert.Equal(SignatureCheck.Mismatch, WebhookSignature.VerifyMac(HMACSHA256.HashData(Secret, "Hello, World?"u8), GitHubVector, Secret));

    [Fact]
    public void Mac_of_the_wrong_length_is_Mismatch() =>
        Assert.Equal(SignatureCheck.Mismatch, WebhookSignature.VerifyMac(HMACSHA256.HashData(Secret, Body)[..31], GitHubVector, Secret));

    [Fact]
    public void Mac_check_with_an_empty_secret_is_NoSecret() =>
        Assert.Equal(SignatureCheck.NoSecret, WebhookSignature.VerifyMac(HMACSHA256.HashData(Array.Empty<byte>(), Body), WebhookSignature.Sign(Body, []), []));
}
