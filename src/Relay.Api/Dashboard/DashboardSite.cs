using Microsoft.Net.Http.Headers;

namespace Relay.Api.Dashboard;

/// <summary>
/// The dashboard's page and its two assets, served from <c>Dashboard/site</c> beside the relay's binaries. Only these
/// files, each with a policy that lets the page load nothing but itself and talk to nothing but the relay.
/// </summary>
internal static class DashboardSite
{
    private const string Policy =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

    private static readonly Dictionary<string, string> Files = new(StringComparer.Ordinal)
    {
        [""] = "text/html; charset=utf-8",
        ["dashboard.js"] = "text/javascript; charset=utf-8",
        ["dashboard.css"] = "text/css; charset=utf-8",
    };

    public static void Map(IEndpointRouteBuilder routes)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Dashboard", "site");
        routes.MapGet("/dashboard/{file?}", (string? file, HttpContext http) =>
        {
            if (!Files.TryGetValue(file ?? "", out var type)) return Results.NotFound();
            http.Response.Headers[HeaderNames.ContentSecurityPolicy] = Policy;
            http.Response.Headers[HeaderNames.CacheControl] = "no-cache"; // revalidated (ETag): a new version shows at once
            http.Response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
            var path = Path.Combine(folder, string.IsNullOrEmpty(file) ? "index.html" : file);
            var info = new FileInfo(path);
            return Results.File(path, type, lastModified: info.LastWriteTimeUtc,
                entityTag: new EntityTagHeaderValue($"\"{info.LastWriteTimeUtc.Ticks:x}-{info.Length:x}\""));
        }).AllowAnonymous().ExcludeFromDescription();
    }
}
