namespace Relay.Terminal;

internal static class RelayUrls
{
    /// <summary>Resolves a path against the relay's base URL, keeping any path base (http://host/relay/).</summary>
    public static Uri Combine(Uri relayUrl, string path)
    {
        if (!relayUrl.IsAbsoluteUri)
        {
            throw new ArgumentException("The relay URL must be absolute.", nameof(relayUrl));
        }

        var baseUri = relayUrl.AbsoluteUri.EndsWith('/') ? relayUrl : new Uri(relayUrl.AbsoluteUri + "/");
        return new Uri(baseUri, path.TrimStart('/'));
    }

    /// <summary>The hub's WebSocket address: ws:// for http://, wss:// for https://.</summary>
    public static Uri Hub(Uri relayUrl, string hubPath)
    {
        var builder = new UriBuilder(Combine(relayUrl, hubPath));
        builder.Scheme = builder.Scheme switch
        {
            "http" or "ws" => "ws",
            "https" or "wss" => "wss",
            var other => throw new ArgumentException($"Unsupported relay URL scheme '{other}'.", nameof(relayUrl)),
        };
        return builder.Uri;
    }
}
