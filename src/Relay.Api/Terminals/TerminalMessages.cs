using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;
using Relay.Api.Events;
using Relay.Api.Hubs;
using Relay.Api.Infrastructure;
using Relay.Api.Transactions;

namespace Relay.Api.Terminals;

/// <summary>
/// What the terminal shows, prints and reports (hub Display, Print, Notify), each an event for the POS. Its questions
/// are <see cref="Inputs.TerminalInputs"/>.
/// </summary>
public sealed partial class TerminalMessages(RelayDbContext db, EventLog events)
{
    public const int MaxDisplayText = 1000;
    public const int MaxReceiptText = 10000;
    public const int MaxEventData = 4000;

    public async Task DisplayAsync(Guid accountId, Guid terminalId, string? transactionId, string? text)
    {
        Require(text, "text", MaxDisplayText);
        var transaction = await TransactionOfAsync(terminalId, transactionId);
        await events.AppendAsync(accountId, EventTypes.TerminalDisplay, new DisplayEvent(transaction?.Id, text!),
            transaction?.RegisterId, terminalId, transaction?.Id);
    }

    public async Task PrintAsync(Guid accountId, Guid terminalId, string? transactionId, string? receipt, string? text)
    {
        if (receipt is not ("merchant" or "customer")) throw new HubException("receipt must be merchant or customer.");
        Require(text, "text", MaxReceiptText, multiline: true);
        var transaction = await TransactionOfAsync(terminalId, transactionId);
        await events.AppendAsync(accountId, EventTypes.TerminalPrint, new PrintEvent(transaction?.Id, receipt, text!),
            transaction?.RegisterId, terminalId, transaction?.Id);
    }

    public async Task NotifyAsync(Guid accountId, Guid terminalId, NotificationMessage? notification)
    {
        if (notification?.Kind is not { } kind || !SnakeCase().IsMatch(kind))
        {
            throw new HubException("kind must be a snake_case name of up to 50 characters, such as card_inserted.");
        }

        if (notification.Data is { } data && data.GetRawText().Length > MaxEventData)
        {
            throw new HubException($"data must be at most {MaxEventData} characters of JSON.");
        }

        if (notification.Data is { } json && !TextRules.IsClean(json))
        {
            throw new HubException("data must not contain control characters (other than line breaks and tabs) in its strings.");
        }

        await events.AppendAsync(accountId, EventTypes.TerminalEvent, new DeviceEvent(kind, notification.Data), terminalId: terminalId);
    }

    private Task<(Guid Id, string? RegisterId)?> TransactionOfAsync(Guid terminalId, string? transactionId) =>
        HubInput.TransactionOfAsync(db, terminalId, transactionId);

    private static void Require(string? value, string name, int maxLength, bool multiline = false) =>
        HubInput.Text(value, name, maxLength, required: true, multiline: multiline);

    [GeneratedRegex("^[a-z][a-z0-9_]{0,49}$")]
    private static partial Regex SnakeCase();
}
