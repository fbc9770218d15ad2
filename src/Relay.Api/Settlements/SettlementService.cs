using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;
using Relay.Api.Events;
using Relay.Api.Hubs;
using Relay.Api.Infrastructure;
using Relay.Api.Transactions;

namespace Relay.Api.Settlements;

/// <summary>The terminal's settlements: stored once per terminal and batch, each with its <c>settlement.reported</c> event.</summary>
public sealed class SettlementService(RelayDbContext db, EventLog events, TimeProvider clock, ILogger<SettlementService> logger)
{
    public const int MaxTotals = 50;
    public const int MaxReceipt = 10000;

    public async Task<SettlementAck> ReportAsync(Guid accountId, Guid terminalId, SettlementReport? report)
    {
        var (batchId, totals) = Checked(HubInput.Required(report, "The settlement"));
        var settlement = new Settlement
        {
            Id = Guid.CreateVersion7(), AccountId = accountId, TerminalId = terminalId, BatchId = batchId,
            OpenedAt = report!.OpenedAt?.AsStored(), ClosedAt = report.ClosedAt!.Value.AsStored(), Totals = totals,
            Receipt = report.Receipt, ReportedAt = clock.Now(),
        };
        try
        {
            await events.InTransactionAsync(async () =>
            {
                db.Settlements.Add(settlement);
                await db.SaveChangesAsync();
                await events.AppendAsync(accountId, EventTypes.SettlementReported, SettlementResponse.From(settlement),
                    terminalId: terminalId);
                return settlement;
            });
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Reported before (a retry): the first report stands; the same figures again are simply acknowledged.
            db.ChangeTracker.Clear();
            var earlier = await db.Settlements.AsNoTracking().SingleAsync(s => s.TerminalId == terminalId && s.BatchId == batchId);
            var same = JsonSerializer.Serialize(earlier.Totals, RelayJson.Options) == JsonSerializer.Serialize(totals, RelayJson.Options)
                && earlier.ClosedAt == settlement.ClosedAt;
            if (!same)
            {
                logger.LogWarning("Terminal {TerminalId} reported batch {BatchId} again with other figures; the first report stands",
                    terminalId, batchId);
            }

            return new SettlementAck(same, earlier.Id);
        }

        logger.LogInformation("Settlement {SettlementId} (batch {BatchId}) reported by terminal {TerminalId}", settlement.Id, batchId,
            terminalId);
        return new SettlementAck(true, settlement.Id);
    }

    private static (string BatchId, SettlementTotal[] Totals) Checked(SettlementReport report)
    {
        HubInput.Text(report.BatchId, "batchId", 100, required: true);
        if (report.ClosedAt is not { } closed) throw new HubException("closedAt is required.");
        if (report.OpenedAt > closed) throw new HubException("openedAt must not be after closedAt.");
        HubInput.Text(report.Receipt, "receipt", MaxReceipt, multiline: true);
        if (report.Totals is null) throw new HubException($"totals is required: up to {MaxTotals} lines.");
        return (report.BatchId!, CheckedTotals(report.Totals));
    }

    /// <summary>A batch's lines, as a settlement reports them and a settlement transaction's result may carry them.</summary>
    public static SettlementTotal[] CheckedTotals(SettlementTotal[] totals, string name = "totals")
    {
        if (totals.Length > MaxTotals) throw new HubException($"{name} must have at most {MaxTotals} lines.");
        for (var i = 0; i < totals.Length; i++)
        {
            var line = totals[i] ?? throw new HubException($"{name}[{i}] must be an object.");
            if (line.Type is null || !WireEnum<TransactionType>.TryParse(line.Type, out _))
                throw new HubException($"{name}[{i}].type must be one of {WireEnum<TransactionType>.AllNames}.");
            HubInput.Text(line.CardScheme, $"{name}[{i}].cardScheme", 30);
            if (line.Count is not (>= 0 and <= 1_000_000_000)) throw new HubException($"{name}[{i}].count must be from 0 to 1000000000.");
            if (line.Amount is not { } amount) throw new HubException($"{name}[{i}].amount is required.");
            HubInput.Amount(amount, $"{name}[{i}].amount");
            if (line.Currency is null || !Iso4217.IsCode(line.Currency)) throw new HubException($"{name}[{i}].currency must be ISO 4217.");
        }

        return totals;
    }
}
