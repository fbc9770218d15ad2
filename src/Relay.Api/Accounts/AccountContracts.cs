namespace Relay.Api.Accounts;

/// <param name="Name" example="Joe's Coffee">The merchant business's name (1–200 characters).</param>
public sealed record CreateAccountRequest(string? Name);

/// <param name="Id" example="0193a0b2-5c1e-7a4b-9f00-1c2d3e4f5a6b">The account's id.</param>
/// <param name="Name" example="Joe's Coffee">The merchant business's name.</param>
/// <param name="CreatedAt" example="2026-11-24T09:30:00Z">When the account was created.</param>
public sealed record AccountResponse(Guid Id, string Name, DateTimeOffset CreatedAt);

/// <param name="Id" example="0193a0b2-5c1e-7a4b-9f00-1c2d3e4f5a6b">The account's id.</param>
/// <param name="Name" example="Joe's Coffee">The merchant business's name.</param>
/// <param name="ApiKey" example="rk_q0B9sX2k5WmZr7cQ4v1LhT8yNf3uJd6aPe0oGiKbS2M">The account's first API key. Shown only in this
/// response.</param>
/// <param name="CreatedAt" example="2026-11-24T09:30:00Z">When the account was created.</param>
public sealed record CreatedAccountResponse(Guid Id, string Name, string ApiKey, DateTimeOffset CreatedAt);

/// <param name="Id" example="0193a0b3-0000-7000-8000-000000000001">The key's id, for deleting it later.</param>
/// <param name="ApiKey" example="rk_q0B9sX2k5WmZr7cQ4v1LhT8yNf3uJd6aPe0oGiKbS2M">The new key. Shown only in this response.</param>
public sealed record CreatedApiKeyResponse(Guid Id, string ApiKey);

/// <param name="Id" example="0193a0b3-0000-7000-8000-000000000001">The key's id.</param>
/// <param name="CreatedAt" example="2026-11-24T09:30:00Z">When the key was created.</param>
public sealed record ApiKeyResponse(Guid Id, DateTimeOffset CreatedAt);

public static class AccountMapping
{
    public static AccountResponse ToResponse(this Account account) => new(account.Id, account.Name, account.CreatedAt);
}
