using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Relay.Api.Pairing;
using Relay.Api.Security;
using Relay.Api.Terminals;

namespace Relay.Api.Infrastructure;

/// <summary>The built-in rate limiter on the endpoints that take guessable codes.</summary>
public static class RateLimits
{
    public static IServiceCollection AddRelayRateLimits(this IServiceCollection services) => services.AddRateLimiter(o =>
    {
        o.AddPolicy(ActivationApi.RateLimitPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
            "ip:" + http.Connection.RemoteIpAddress, _ => PerMinute(Limits(http).ActivationsPerMinute)));
        o.AddPolicy(PairingApi.RateLimitPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
            "account:" + http.User.FindFirst(RelayClaims.AccountId)?.Value, _ => PerMinute(Limits(http).PairingsPerMinute)));
        o.OnRejected = async (context, _) =>
        {
            var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
            context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await Problems.Write(context.HttpContext, 429, "rate-limited", "Too many attempts", "Wait for the number of seconds in Retry-After.");
        };
    });

    private static RateLimitOptions Limits(HttpContext http) => http.RequestServices.GetRequiredService<IOptions<RelayOptions>>().Value.RateLimits;

    private static FixedWindowRateLimiterOptions PerMinute(int permits) =>
        new() { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 };
}
