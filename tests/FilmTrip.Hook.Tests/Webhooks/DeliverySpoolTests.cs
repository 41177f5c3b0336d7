using System.Security.Cryptography;
using FilmTrip.Hook.Tests.Support;
using FilmTrip.Hook.Webhooks;
using Microsoft.AspNetCore.Http;

namespace FilmTrip.Hook.Tests.Webhooks;

/// <summary>A body is hashed as it streams to an unlinked file; large ones need a slot (issue #11 §8). Real files, no daemon.</summary>
[Trait("Tier", "InProcess")]
public sealed class DeliverySpoolTests : IDisposable
{
    private static readonly byte[] Secret = "It's a Secret to Everybody"u8.ToArray();
    private readonly TempDirectory _temp = new("spool");

    public void Dispose() => _temp.Dispose();

    private string Directory => _temp.Combine("webhook-bodies");

    private DeliverySpool Spool(DeliverySlots? slots = null) =>
        new(Directory, slots ?? new DeliverySlots(1, TimeSpan.FromSeconds(30), TimeProvider.System));

    private static HttpRequest Request(byte[] body, long? contentLength) =>
        new DefaultHttpContext { Request = { Body = new MemoryStream(body), ContentLength = contentLength } }.Request;

    private static byte[] Bytes(int length) => RandomNumberGenerator.GetBytes(length);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Body_is_read_back_byte_for_byte_with_its_HMAC(bool chunked)
    {
        var bytes = Bytes(3 * DeliverySpool.SmallBody + 17);

        await using var body = await Spool().ReadAsync(Request(bytes, chunked ? null : bytes.Length), Secret, 4 * DeliverySpool.SmallBody, default);

        Assert.Equal(SpoolOutcome.Read, body.Outcome);
        Assert.Equal(HMACSHA256.HashData(Secret, bytes), body.Mac);
        Assert.Equal(bytes, await body.ReadAllAsync(default));
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_is_TooLarge()
    {
        await using var body = await Spool().ReadAsync(Request(Bytes(1001), null), Secret, 1000, default);

        Assert.Equal(SpoolOutcome.TooLarge, body.Outcome);
    }

    [Fact]
    public async Task Body_of_exactly_the_limit_is_read()
    {
        await using var body = await Spool().ReadAsync(Request(Bytes(1000), null), Secret, 1000, default);

        Assert.Equal(SpoolOutcome.Read, body.Outcome);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Large_body_with_every_slot_taken_is_Busy(bool chunked)
    {
        var slots = new DeliverySlots(1, TimeSpan.FromMilliseconds(100), TimeProvider.System);
        using var taken = await slots.TryEnterAsync(default);
        var bytes = Bytes(DeliverySpool.SmallBody + 1);

        await using var body = await Spool(slots).ReadAsync(Request(bytes, chunked ? null : bytes.Length), Secret, 4 * DeliverySpool.SmallBody, default);

        Assert.Equal(SpoolOutcome.Busy, body.Outcome);
    }

    [Fact]
    public async Task Small_body_needs_no_slot()
    {
        var slots = new DeliverySlots(1, TimeSpan.FromMilliseconds(100), TimeProvider.System);
        using var taken = await slots.TryEnterAsync(default);

        await using var body = await Spool(slots).ReadAsync(Request(Bytes(DeliverySpool.SmallBody), null), Secret, 4 * DeliverySpool.SmallBody, default);

        Assert.Equal(SpoolOutcome.Read, body.Outcome);
    }

    [Fact]
    public async Task Finished_body_gives_its_slot_back()
    {
        var slots = new DeliverySlots(1, TimeSpan.FromMilliseconds(100), TimeProvider.System);
        var bytes = Bytes(DeliverySpool.SmallBody + 1);
        await (await Spool(slots).ReadAsync(Request(bytes, bytes.Length), Secret, 4 * DeliverySpool.SmallBody, default)).DisposeAsync();

        using var next = await slots.TryEnterAsync(default);

        Assert.NotNull(next);
    }

    [Fact]
    public void Spool_file_is_mode_600_and_unlinked_from_the_start()
    {
        using var file = Spool().CreateUnlinked();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file.SafeFileHandle));
        Assert.Empty(System.IO.Directory.GetFiles(Directory));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Directory));
    }

    [Fact]
    public void Files_left_by_a_crash_are_removed_at_start()
    {
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(Path.Combine(Directory, "left-over"), "body");

        Spool();

        Assert.Empty(System.IO.Directory.GetFiles(Directory));
    }
}
