namespace FilmTrip.Hook.Webhooks;

internal static class RequestBody
{
    /// <summary>Reads the raw body once, up to <paramref name="limit"/> bytes. Null when it is larger.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit) return null;
        using var buffer = new MemoryStream((int)Math.Min(request.ContentLength ?? 4096, 1 << 20));
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
