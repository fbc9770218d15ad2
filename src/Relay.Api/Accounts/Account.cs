namespace Relay.Api.Accounts;

/// <summary>One merchant business; everything else belongs to exactly one account.</summary>
public sealed class Account
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Signs deliveries to transactions' callbackUrl (<c>whsec_</c> + base64); made on first use.</summary>
    public string? CallbackSecret { get; set; }
}

/// <summary>A merchant API key, stored as a SHA-256 hash; the plain key is shown once, at creation.</summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    public required string KeyHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
