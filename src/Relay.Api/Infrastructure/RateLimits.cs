using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Relay.Api.Infrastructure;

/// <summary>The built-in rate limiter, for the endpoints that take guessable codes: each feature declares its own policy.</summary>
public static class RateLimits
{
    /// <summary>The limiter, and its answer to a refused request: a 429 problem with Retry-After.</summary>
    public static IServiceCollection AddRelayRateLimits(this IServiceCollection services) => services.AddRateLimiter(o =>
        o.OnRejected = async (context, _) =>
        {
            var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
            context.HttpContext.Response.Headers.RetryAfter =
                Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await Problems.Write(context.HttpContext, 429, "rate-limited", "Too many attempts",
                "Wait for the number of seconds in Retry-After.");
        });

    /// <summary>
    /// A policy of at most <paramref name="permits"/> (of the relay's options) a minute for each <paramref name="partition"/>.
    /// </summary>
    public static IServiceCollection AddPerMinuteLimit(
        this IServiceCollection services, string policy, Func<HttpContext, string> partition, Func<RateLimitOptions, int> permits) =>
        services.Configure<RateLimiterOptions>(o => o.AddPolicy(policy, http => RateLimitPartition.GetFixedWindowLimiter(partition(http),
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits(http.RequestServices.GetRequiredService<IOptions<RelayOptions>>().Value.RateLimits),
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            })));
}
