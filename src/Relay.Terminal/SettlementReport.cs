namespace Relay.Terminal;

/// <summary>Terminal → server <c>ReportSettlement</c>: a batch closed with the acquirer.</summary>
public sealed record SettlementReport(string BatchId, DateTimeOffset ClosedAt, IReadOnlyList<SettlementTotal> Totals)
{
    public DateTimeOffset? OpenedAt { get; init; }
    public string? Receipt { get; init; }

    /// <summary>Refuses up front what the relay always refuses, so that it never waits in the outbox to be refused again.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(BatchId) || BatchId.Length > 100 || BatchId.Any(char.IsControl))
            throw new ArgumentException("BatchId must be 1–100 characters, without control characters.", nameof(BatchId));
        if (OpenedAt > ClosedAt) throw new ArgumentException("OpenedAt must not be after ClosedAt.", nameof(OpenedAt));
        ValidateTotals(Totals, nameof(Totals));
    }

    /// <summary>A batch's lines as the relay takes them: at most 50, each with a type, a count and an amount of 0 or more and an
    /// ISO 4217 currency.</summary>
    internal static void ValidateTotals(IReadOnlyList<SettlementTotal>? totals, string name)
    {
        if (totals is not { Count: <= 50 }) throw new ArgumentException($"{name} must have at most 50 lines.", name);
        if (totals.Any(t => t is null || t.Count is < 0 or > 1_000_000_000 || t.Amount is < 0 or > 999_999_999_999
                            || t.Currency is null || !Iso4217.IsCode(t.Currency) || string.IsNullOrEmpty(t.Type)))
            throw new ArgumentException("Each total needs a type, a count and an amount of 0 or more, and an ISO 4217 currency.", name);
    }
}

/// <summary>One line of a settlement: a transaction type (and card scheme), how many and their sum in minor units.</summary>
public sealed record SettlementTotal(string Type, long Count, long Amount, string Currency)
{
    public string? CardScheme { get; init; }
}

/// <summary>The relay's answer to a settlement: <c>Accepted</c> false when the batch was reported before with other figures.</summary>
public sealed record SettlementAck(bool Accepted, string SettlementId);
