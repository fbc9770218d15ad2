using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;
using Relay.Api.Events;
using Relay.Api.Infrastructure;
using Relay.Api.Inputs;
using Relay.Api.Terminals;

namespace Relay.Api.Nexo;

/// <summary>
/// The body a webhook endpoint of format nexo gets for an event (the events relay_fan_out_webhooks gives it): the
/// SaleToPOIResponse of an async message that has ended (the message sent again, so the answer is the one sync gives), or the
/// terminal's display, print or input request as a SaleToPOIRequest of the Device class from the terminal (POIID) to the sale
/// system logged in to it.
/// </summary>
public sealed class NexoNotifications(RelayDbContext db, NexoExchange exchange, NexoAsyncMessages asyncMessages)
{
    /// <summary>The body, or null when the event has no nexo message (any more).</summary>
    public async Task<byte[]?> BodyOfAsync(EventRecord e, CancellationToken ct)
    {
        Guid? made = e.Type switch
        {
            EventTypes.TransactionUpdated => e.TransactionId,
            EventTypes.TerminalActionUpdated => Data<ActionId>(e).Id,
            _ => null,
        };
        var message = made is not { } id ? null
            : e.Type == EventTypes.TransactionUpdated ? await asyncMessages.OfTransactionAsync(e.AccountId, id, ct)
            : await asyncMessages.OfActionAsync(e.AccountId, id, ct);
        if (message is not null)
        {
            return await exchange.ReplayAsync(e.AccountId, message, made!.Value, ct) is { } answer
                ? JsonSerializer.SerializeToUtf8Bytes(answer, NexoJson.Options)
                : null;
        }

        var request = e.Type switch
        {
            EventTypes.TerminalDisplay => await FromTerminalAsync(e, "Display", "CashierDisplay", ct) is { } header
                ? new SaleToPoiRequest
                {
                    MessageHeader = header,
                    DisplayRequest = new DisplayRequest([new DisplayOutput
                    {
                        ResponseRequiredFlag = false, Device = "CashierDisplay", InfoQualify = "Status",
                        OutputContent = NexoOutcomes.Output(Data<DisplayEvent>(e).Text),
                    }]),
                }
                : null,
            EventTypes.TerminalPrint => await FromTerminalAsync(e, "Print", "PrinterReceipt", ct) is { } header
                ? new SaleToPoiRequest
                {
                    MessageHeader = header,
                    PrintRequest = new PrintRequest(new PrintOutput(
                        Data<PrintEvent>(e).Receipt == "customer" ? "CustomerReceipt" : "CashierReceipt", "NotRequired",
                        NexoOutcomes.Output(Data<PrintEvent>(e).Text))),
                }
                : null,
            EventTypes.TerminalInputRequested => await FromTerminalAsync(e, "Input", "CashierInput", ct) is { } header
                ? InputOf(header, Data<InputRequestedEvent>(e), e.OccurredAt)
                : null,
            _ => null,
        };
        return request is null ? null : JsonSerializer.SerializeToUtf8Bytes(new SaleToPoiRequestEnvelope(request), NexoJson.Options);
    }

    /// <summary>The ServiceID of a request from the terminal: the event's number in the account, in base 36 (at most 10 characters).
    /// </summary>
    public static string ServiceIdOf(long sequence)
    {
        const string digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        var text = "";
        do
        {
            text = digits[(int)(sequence % 36)] + text;
            sequence /= 36;
        } while (sequence > 0);
        return text;
    }

    /// <summary>The event number a ServiceID of <see cref="ServiceIdOf"/> stands for.</summary>
    public static long? SequenceOf(string? serviceId)
    {
        if (serviceId is not { Length: >= 1 and <= 10 }) return null;
        long sequence = 0;
        foreach (var c in serviceId.ToUpperInvariant())
        {
            var digit = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiLetterUpper(c) ? c - 'A' + 10 : -1;
            if (digit < 0) return null;
            sequence = sequence * 36 + digit;
        }

        return sequence;
    }

    private static SaleToPoiRequest InputOf(MessageHeader header, InputRequestedEvent input, DateTimeOffset askedAt) => new()
    {
        MessageHeader = header,
        InputRequest = new InputRequest(
            new DisplayOutput { ResponseRequiredFlag = true, Device = "CashierDisplay", InfoQualify = "Input",
                OutputContent = NexoOutcomes.Output(input.Prompt) },
            new InputData
            {
                Device = "CashierInput", InfoQualify = "Input", InputCommand = input.Kind == "confirm" ? "GetConfirmation" : "TextString",
                MaxInputTime = (int)Math.Max(1, Math.Ceiling((input.ExpiresAt - askedAt).TotalSeconds)),
            }),
    };

    /// <summary>The header of a request from the terminal to the sale system logged in to it with <paramref name="capability"/>
    /// (the transaction's register when it is one of them), with the POIID that sale system used; null when none is.</summary>
    private async Task<MessageHeader?> FromTerminalAsync(EventRecord e, string category, string capability, CancellationToken ct)
    {
        var sales = await db.NexoSessions.AsNoTracking()
            .Where(s => s.TerminalId == e.TerminalId && s.SaleCapabilities.Contains(capability))
            .OrderBy(s => s.LoggedInAt).Select(s => new { s.SaleId, s.PoiId }).ToListAsync(ct);
        if (sales.Count == 0) return null;
        var sale = sales.FirstOrDefault(s => s.SaleId == e.RegisterId) ?? sales[0];
        return new MessageHeader
        {
            ProtocolVersion = "3.0", MessageClass = "Device", MessageCategory = category, MessageType = "Request",
            ServiceID = ServiceIdOf(e.Sequence ?? 0), SaleID = sale.SaleId,
            POIID = sale.PoiId is { Length: > 0 } poiId ? poiId : e.TerminalId?.ToString(), // as the sale system named it at Login
        };
    }

    private static T Data<T>(EventRecord e) => JsonSerializer.Deserialize<T>(e.Data, RelayJson.Options)!;

    private sealed record ActionId(Guid Id);
}
