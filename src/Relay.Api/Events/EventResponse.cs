using System.Text.Json;
using Relay.Api.Infrastructure;
using Relay.Api.Transactions;

namespace Relay.Api.Events;

/// <summary>An event as the stream, the history and webhook deliveries carry it.</summary>
/// <param name="Id" example="42">The account's sequence number: every event of an account has the next one, with no gaps.</param>
/// <param name="Type" example="transaction.updated">transaction.updated, pairing.changed, terminal.online, terminal.offline,
/// terminal.display, terminal.print, terminal.input_requested, terminal.input_answered, terminal.event, terminal_action.updated,
/// settlement.reported or configuration.changed.</param>
/// <param name="OccurredAt" example="2026-11-24T09:40:00Z">When it happened.</param>
/// <param name="RegisterId" example="till-1">The register it concerns, if any.</param>
/// <param name="TerminalId" example="0193a0b4-1111-7000-8000-00000000beef">The terminal it concerns, if any.</param>
/// <param name="TransactionId" example="0193a0b4-2222-7000-8000-00000000cafe">The transaction it concerns, if any.</param>
/// <param name="Data">The event's own payload; for transaction.updated, the transaction as GET /api/v1/transactions/{id} returns
/// it.</param>
public sealed record EventResponse(
    long Id, string Type, DateTimeOffset OccurredAt,
    string? RegisterId, Guid? TerminalId, Guid? TransactionId,
    JsonElement Data)
{
    public static EventResponse From(EventRecord e)
    {
        // A transaction.updated event stores the row it was made from (TransactionSnapshot), rendered as GET renders it.
        var data = e.Type == EventTypes.TransactionUpdated
            ? JsonSerializer.SerializeToElement(TransactionSnapshot.Parse(e.Data).ToResponse(), RelayJson.Options)
            : JsonSerializer.Deserialize<JsonElement>(e.Data);
        return new(e.Sequence!.Value, e.Type, e.OccurredAt, e.RegisterId, e.TerminalId, e.TransactionId, data);
    }

    /// <summary>The event's JSON: the same bytes every time for the same row, so a retried webhook carries an identical body.</summary>
    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, RelayJson.Options);
}
