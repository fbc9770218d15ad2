namespace Relay.Terminal;

/// <summary>
/// Terminal → server <c>ReportTransaction</c>: a transaction the terminal made by itself. <c>Result.TransactionId</c> is not
/// used (the relay gives the transaction its id); <see cref="ForReport"/> makes a result for it.
/// </summary>
public sealed record TerminalOriginatedTransaction(
    string TerminalReference, string Type, long Amount, string Currency, DateTimeOffset OccurredAt, TerminalResult Result)
{
    /// <summary>The types a terminal may make by itself.</summary>
    public static IReadOnlyList<string> Types { get; } = ["purchase", "refund", "cash_out", "void"];

    /// <summary>A result for a report: its transaction id is the terminal's reference, which the relay does not read.</summary>
    public static TerminalResult ForReport(string terminalReference, TransactionOutcome outcome) => new(terminalReference, outcome)
    {
        TerminalReference = terminalReference,
    };

    /// <summary>Refuses up front what the relay always refuses, so that it never waits in the outbox to be refused again.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(TerminalReference) || TerminalReference.Length > 100 || TerminalReference.Any(char.IsControl))
            throw new ArgumentException("TerminalReference must be 1–100 characters, no control characters.", nameof(TerminalReference));
        if (!Types.Contains(Type)) throw new ArgumentException($"Type must be one of {string.Join(", ", Types)}.", nameof(Type));
        if (Amount is < 0 or > 999_999_999_999)
            throw new ArgumentException("Amount must be 0 to 999999999999 minor units.", nameof(Amount));
        if (Currency is null || !Iso4217.IsCode(Currency))
            throw new ArgumentException("Currency must be an ISO 4217 code.", nameof(Currency));
        ArgumentNullException.ThrowIfNull(Result);
        Result.Validate();
        if (Result.Outcome == TransactionOutcome.Approved
            && Result.AmountAuthorised > Amount + (Result.TipAmount ?? 0) + (Result.SurchargeAmount ?? 0))
            throw new ArgumentException("Result.AmountAuthorised must not be more than Amount, TipAmount and SurchargeAmount.",
                nameof(Result));
    }
}

/// <summary>The relay's answer to a report: <c>Accepted</c> false when the reference was reported before with other figures.</summary>
public sealed record ReportAck(bool Accepted, string TransactionId);
