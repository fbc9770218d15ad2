using Microsoft.Net.Http.Headers;

namespace Relay.Api.Infrastructure;

/// <summary>
/// Rules every request keeps before an endpoint sees it. Bodies are JSON in UTF-8 (RFC 8259 §8.1): one labelled with any
/// other charset is refused with 415, as the framework's reader would try to transcode from it (an unknown name such as
/// <c>charset=nope</c> threw out of the endpoint as a 500). Query values are text without control characters
/// (<see cref="TextRules"/>): 400 naming the parameter, rather than a failed database statement.
/// </summary>
public static class RequestEdge
{
    public static IApplicationBuilder UseRequestEdge(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var request = context.Request;
        // nexo reads the bytes whatever their label, and answers what it cannot read in nexo (a Reject).
        if (request.ContentType is { } contentType && !request.Path.StartsWithSegments(Nexo.NexoApi.Path)
            && MediaTypeHeaderValue.TryParse(contentType, out var media) && media.Charset.HasValue && !IsUtf8(media.Charset.Value))
        {
            return Problems.Write(context, StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type",
                "Send JSON encoded as UTF-8",
                $"The charset '{media.Charset.Value}' is not supported; omit it or send charset=utf-8.").AsTask();
        }

        foreach (var (name, values) in request.Query)
        {
            var cleanName = TextRules.IsClean(name);
            if (!cleanName || values.Any(v => v is not null && !TextRules.IsClean(v)))
            {
                var field = cleanName ? name : "query";
                return Problems.Write(context, Problems.ValidationDetails(new Dictionary<string, string[]>
                {
                    [field] = [$"{field} must not contain control characters."],
                })).AsTask();
            }
        }

        return next(context);
    });

    private static bool IsUtf8(string charset) => charset.Trim('"').ToLowerInvariant() is "utf-8" or "utf8";
}
