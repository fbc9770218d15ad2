using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Relay.Api.Data;

namespace Relay.Api.Security;

public static class AuthenticationSetup
{
    public const string Admin = "admin";
    public const string Account = "account";
    public const string Terminal = "terminal";

    public static IServiceCollection AddRelayAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyCache>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, AdminKeyHandler>(Admin, null)
            .AddScheme<AuthenticationSchemeOptions, AccountKeyHandler>(Account, null)
            .AddScheme<AuthenticationSchemeOptions, DeviceTokenHandler>(Terminal, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Admin, p => p.AddAuthenticationSchemes(Admin).RequireAuthenticatedUser())
            .AddPolicy(Account, p => p.AddAuthenticationSchemes(Account).RequireClaim(RelayClaims.AccountId))
            .AddPolicy(Terminal, p => p.AddAuthenticationSchemes(Terminal).RequireClaim(RelayClaims.TerminalId));
        return services;
    }
}

public static class RelayClaims
{
    public const string AccountId = "account_id";
    public const string TerminalId = "terminal_id";
    public const string DeviceId = "device_id";

    public static Guid GetAccountId(this ClaimsPrincipal user) => Guid.Parse(user.FindFirstValue(AccountId)!);
    public static Guid GetTerminalId(this ClaimsPrincipal user) => Guid.Parse(user.FindFirstValue(TerminalId)!);
    public static Guid GetDeviceId(this ClaimsPrincipal user) => Guid.Parse(user.FindFirstValue(DeviceId)!);
}

public sealed class AdminKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IOptionsMonitor<RelayOptions> relay)
    : BearerTokenHandler(options, logger, encoder)
{
    protected override Task<IEnumerable<Claim>?> ValidateAsync(string token)
    {
        var adminKey = relay.CurrentValue.AdminApiKey;
        var ok = !string.IsNullOrEmpty(adminKey) && Secrets.FixedTimeEquals(token, adminKey);
        return Task.FromResult<IEnumerable<Claim>?>(ok ? [new Claim(ClaimTypes.Role, "admin")] : null);
    }
}

public sealed class AccountKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, RelayDbContext db, ApiKeyCache cache)
    : BearerTokenHandler(options, logger, encoder)
{
    // nexo POS software (Adyen's libraries) sends the key as X-API-Key.
    protected override string? ReadToken() => base.ReadToken()
        ?? (Request.Path.StartsWithSegments(Relay.Api.Nexo.NexoApi.Path) ? Request.Headers["X-API-Key"].ToString().Trim() : null);

    protected override async Task<IEnumerable<Claim>?> ValidateAsync(string token)
    {
        var hash = Secrets.Hash(token);
        var accountId = cache.Find(hash);
        if (accountId is null)
        {
            var version = cache.Version;
            accountId = await db.ApiKeys.Where(k => k.KeyHash == hash).Select(k => (Guid?)k.AccountId).FirstOrDefaultAsync();
            if (accountId is { } found)
            {
                cache.Add(hash, found, version);
            }
        }

        return accountId is { } id ? [new Claim(RelayClaims.AccountId, id.ToString())] : null;
    }
}

public sealed class DeviceTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, NpgsqlDataSource database)
    : BearerTokenHandler(options, logger, encoder)
{
    // Browser and JavaScript SignalR clients cannot set headers on a WebSocket, so the hub also takes ?access_token=.
    protected override string? ReadToken() =>
        base.ReadToken() ?? (Request.Path.StartsWithSegments("/hubs") ? Request.Query["access_token"].ToString() : null);

    // Every terminal connection signs in here (10,000 at once after a network outage): one plain statement, no database
    // context, since the hub request lives as long as the connection and must not hold one.
    protected override async Task<IEnumerable<Claim>?> ValidateAsync(string token)
    {
        await using var command = database.CreateCommand(
            "SELECT id, account_id, device_id FROM terminals WHERE device_token_hash = $1 AND status = 'activated'");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Secrets.Hash(token) });
        await using var reader = await command.ExecuteReaderAsync();
        // An activated terminal always has its device (activation sets both); a row without one signs nobody in.
        return await reader.ReadAsync() && !reader.IsDBNull(2)
            ?
            [
                new Claim(RelayClaims.TerminalId, reader.GetGuid(0).ToString()),
                new Claim(RelayClaims.AccountId, reader.GetGuid(1).ToString()),
                new Claim(RelayClaims.DeviceId, reader.GetGuid(2).ToString()),
            ]
            : null;
    }
}
