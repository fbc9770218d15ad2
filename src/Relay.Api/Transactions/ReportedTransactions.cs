using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;
using Relay.Api.Hubs;
using Relay.Api.Infrastructure;

namespace Relay.Api.Transactions;

/// <summary>
/// Transactions a terminal made by itself (standalone sales, refunds, voids): stored once per terminal and terminal
/// reference, final as reported, with origin terminal and no register, so the merchant's back office sees every payment.
/// </summary>
public sealed class ReportedTransactions(
    TransactionStateMachine states, RelayDbContext db, TimeProvider clock, ILogger<ReportedTransactions> logger)
{
    /// <summary>What a terminal can do without a POS.</summary>
    public static readonly TransactionType[] Types =
        [TransactionType.Purchase, TransactionType.Refund, TransactionType.CashOut, TransactionType.Void];

    /// <summary>How far ahead of the relay's clock a terminal's clock may be.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>How old a reported transaction may be: the longest period totals cover (a terminal whose clock reset to
    /// 1970 is told so, not stored where no day's totals would find it).</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(400);

    public async Task<ReportAck> ReportAsync(Guid accountId, Guid terminalId, Guid deviceId, TerminalOriginatedTransaction? report)
    {
        var now = clock.Now();
        var (type, occurredAt, result) = Checked(HubInput.Required(report, "The transaction"), now);
        var transaction = new Transaction
        {
            Id = Guid.CreateVersion7(), AccountId = accountId, TerminalId = terminalId, Origin = TransactionOrigin.Terminal,
            TerminalReference = report!.TerminalReference, Type = type, Status = TransactionStateMachine.StatusOf(result.Outcome),
            Amount = report.Amount, Currency = report.Currency, CreatedAt = occurredAt, UpdatedAt = now, ExpiresAt = occurredAt,
            CompletedAt = occurredAt, DeliveredDeviceId = deviceId, Result = result,
        };
        if (await states.Report(transaction) is { } stored)
        {
            logger.LogInformation("Transaction {TransactionId} reported by terminal {TerminalId} (its reference {TerminalReference}): "
                + "{Type} {Amount} {Currency} {Status}", stored.Transaction.Id, terminalId, transaction.TerminalReference,
                WireEnum<TransactionType>.Name(type), transaction.Amount, transaction.Currency, stored.Transaction.Status);
            return new ReportAck(true, stored.Transaction.Id);
        }

        // Reported before (a retry, which repeats the report exactly): the first report stands; the same again is simply
        // acknowledged. A reference reused for another payment (a counter that started again) is refused, loudly: references
        // must be unique per terminal, across devices and reinstalls (a UUID).
        var earlier = await db.Transactions.AsNoTracking()
            .SingleAsync(t => t.TerminalId == terminalId && t.TerminalReference == transaction.TerminalReference);
        var same = earlier.Type == type && earlier.Amount == transaction.Amount && earlier.Currency == transaction.Currency
                   && earlier.CompletedAt == occurredAt && earlier.Result?.Outcome == result.Outcome
                   && earlier.Result?.AmountAuthorised == result.AmountAuthorised && earlier.Result?.AuthCode == result.AuthCode;
        if (!same)
        {
            logger.LogError("Terminal {TerminalId} reported its transaction {TerminalReference} again with other figures; the first "
                + "report ({TransactionId}) stands and this one is refused. Operator attention needed: if the terminal reused the "
                + "reference for another payment, that payment is not recorded", terminalId, transaction.TerminalReference, earlier.Id);
        }

        return new ReportAck(same, earlier.Id);
    }

    private static (TransactionType Type, DateTimeOffset OccurredAt, TransactionResult Result) Checked(
        TerminalOriginatedTransaction report, DateTimeOffset now)
    {
        HubInput.Text(report.TerminalReference, "terminalReference", TerminalResult.MaxCode, required: true);
        if (report.Type is null || !WireEnum<TransactionType>.TryParse(report.Type, out var type) || !Types.Contains(type))
            throw new HubException($"type must be one of {string.Join(", ", Types.Select(WireEnum<TransactionType>.Name))}.");
        if (report.Amount is not { } amount) throw new HubException("amount is required.");
        HubInput.Amount(amount, "amount");
        if (report.Currency is null || !Iso4217.IsCode(report.Currency)) throw new HubException("currency must be ISO 4217.");
        if (report.OccurredAt?.AsStored() is not { } occurredAt) throw new HubException("occurredAt is required.");
        if (occurredAt > now + ClockSkew) throw new HubException("occurredAt must not be in the future.");
        if (occurredAt < now - MaxAge) throw new HubException($"occurredAt must be within the last {MaxAge.TotalDays} days.");
        var result = HubInput.Required(report.Result, "result").CheckedResult();
        if (result.Outcome == TransactionOutcome.Approved
            && result.AmountAuthorised > amount + (result.TipAmount ?? 0) + (result.SurchargeAmount ?? 0))
            throw new HubException("result.amountAuthorised must not be more than amount, tipAmount and surchargeAmount.");
        return (type, occurredAt, result);
    }
}
