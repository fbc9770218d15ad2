using Microsoft.Net.Http.Headers;

namespace Relay.Api.Infrastructure;

/// <summary>
/// Request bodies are JSON in UTF-8 (RFC 8259 §8.1). A body labelled with any other charset is refused with 415 before an
/// endpoint reads it: the framework's reader would otherwise try to transcode from it, and an unknown name
/// (<c>charset=nope</c>) threw out of the endpoint as a 500.
/// </summary>
public static class Utf8Bodies
{
    public static IApplicationBuilder UseUtf8Bodies(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var request = context.Request;
        if (request.ContentType is { } contentType && MediaTypeHeaderValue.TryParse(contentType, out var media)
            && media.Charset.HasValue && !IsUtf8(media.Charset.Value))
        {
            return Problems.Write(context, StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type",
                "Send JSON encoded as UTF-8", $"The charset '{media.Charset.Value}' is not supported; omit it or send charset=utf-8.").AsTask();
        }

        return next(context);
    });

    private static bool IsUtf8(string charset) =>
        charset.Trim('"').Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Trim('"').Equals("utf8", StringComparison.OrdinalIgnoreCase);
}
