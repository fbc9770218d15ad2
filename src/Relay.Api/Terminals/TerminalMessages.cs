using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;
using Relay.Api.Events;
using Relay.Api.Hubs;
using Relay.Api.Infrastructure;
using Relay.Api.Transactions;

namespace Relay.Api.Terminals;

/// <summary>
/// What the terminal shows, prints, asks and reports (hub Display, Print, RequestInput, Notify), each an event for the
/// POS; and the POS's answers to the terminal's questions, forwarded to the terminal.
/// </summary>
public sealed partial class TerminalMessages(
    RelayDbContext db, EventLog events, TerminalChannel terminals, TimeProvider clock, ILogger<TerminalMessages> logger)
{
    public const int MaxDisplayText = 1000;
    public const int MaxReceiptText = 10000;
    public const int MaxPrompt = 500;
    public const int MaxAnswer = 500;
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

    /// <summary>Records the question (once: a terminal re-asking the same request id gets the same one) and tells the POS.</summary>
    public async Task<InputRequestResponse> RequestInputAsync(Guid accountId, Guid terminalId, string? transactionId, InputRequestMessage? request)
    {
        var transaction = (await TransactionOfAsync(terminalId, transactionId ?? throw new HubException("transactionId is required.")))!.Value;
        if (request is null) throw new HubException("The request is required.");
        Require(request.RequestId, "requestId", 100);
        Require(request.Prompt, "prompt", MaxPrompt);
        if (request.Kind is not ("confirm" or "text")) throw new HubException("kind must be confirm or text.");
        if (request.TimeoutSeconds is < 5 or > 300) throw new HubException("timeoutSeconds must be between 5 and 300.");

        var now = clock.Now();
        var input = new InputRequest
        {
            TransactionId = transaction.Id, RequestId = request.RequestId!, AccountId = accountId, TerminalId = terminalId,
            Kind = request.Kind, Prompt = request.Prompt!, CreatedAt = now, ExpiresAt = now.AddSeconds(request.TimeoutSeconds ?? 60),
        };
        var created = await events.InTransactionAsync(async () =>
        {
            var inserted = await db.Database.ExecuteSqlAsync($"""
                INSERT INTO input_requests (transaction_id, request_id, account_id, terminal_id, kind, prompt, created_at, expires_at)
                VALUES ({input.TransactionId}, {input.RequestId}, {accountId}, {terminalId}, {input.Kind}, {input.Prompt}, {now}, {input.ExpiresAt})
                ON CONFLICT DO NOTHING
                """);
            if (inserted == 1)
            {
                await events.AppendAsync(accountId, EventTypes.TerminalInputRequested,
                    new InputRequestedEvent(input.TransactionId, input.RequestId, input.Kind, input.Prompt, input.ExpiresAt),
                    transaction.RegisterId, terminalId, transaction.Id);
            }

            return inserted == 1;
        });
        if (created)
        {
            logger.LogInformation("Transaction {TransactionId} for register {RegisterId} on terminal {TerminalId}: the terminal asks {RequestId} ({Kind}), until {ExpiresAt}",
                transaction.Id, transaction.RegisterId, terminalId, input.RequestId, input.Kind, input.ExpiresAt);
        }

        var stored = await db.InputRequests.AsNoTracking().FirstAsync(r => r.TransactionId == input.TransactionId && r.RequestId == input.RequestId);
        return InputRequestResponse.From(stored);
    }

    /// <summary>The POS's answer: accepted once, before the question expires, then forwarded to the terminal.</summary>
    public async Task<(InputRequestResponse? Answered, ProblemHttpResult? Problem)> AnswerAsync(Guid accountId, Guid transactionId, string requestId, JsonElement? value)
    {
        var input = await db.InputRequests.AsNoTracking()
            .FirstOrDefaultAsync(r => r.TransactionId == transactionId && r.RequestId == requestId && r.AccountId == accountId);
        if (input is null)
        {
            return (null, Problems.NotFound("input request"));
        }

        if (Normalize(input.Kind, value) is not { } answer)
        {
            return (null, Problems.Validation("value", input.Kind == "confirm"
                ? "value must be \"yes\" or \"no\" (or true or false)."
                : $"value must be text of 1 to {MaxAnswer} characters, without control characters."));
        }

        var now = clock.Now();
        var registerId = await db.Transactions.Where(t => t.Id == transactionId).Select(t => t.RegisterId).FirstAsync();
        var accepted = await events.InTransactionAsync(async () =>
        {
            var updated = await db.InputRequests
                .Where(r => r.TransactionId == transactionId && r.RequestId == requestId && r.AnsweredAt == null && r.ExpiresAt > now)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.AnsweredAt, now).SetProperty(r => r.Value, answer));
            if (updated == 1)
            {
                await events.AppendAsync(accountId, EventTypes.TerminalInputAnswered, new InputAnsweredEvent(transactionId, requestId, answer),
                    registerId, input.TerminalId, transactionId);
            }

            return updated == 1;
        });
        var current = await db.InputRequests.AsNoTracking().FirstAsync(r => r.TransactionId == transactionId && r.RequestId == requestId);
        if (!accepted)
        {
            return current.AnsweredAt is not null
                ? (null, Problems.Of(409, "input-answered", "The question was answered already", $"The answer '{current.Value}' stands."))
                : (null, Problems.Of(409, "input-expired", "The question timed out", "The terminal took its timeout path."));
        }

        logger.LogInformation("Transaction {TransactionId} for register {RegisterId} on terminal {TerminalId}: the POS answered {RequestId} with {Value}",
            transactionId, registerId, input.TerminalId, requestId, answer);
        await terminals.InputResponse(input.TerminalId, transactionId, requestId, answer);
        return (InputRequestResponse.From(current), null);
    }

    /// <summary>"yes"/"no" (or JSON true/false) for confirm; bounded text for text; null when the value does not fit.</summary>
    private static string? Normalize(string kind, JsonElement? value)
    {
        if (kind == "confirm")
        {
            return value?.ValueKind switch
            {
                JsonValueKind.True => "yes",
                JsonValueKind.False => "no",
                JsonValueKind.String when value.Value.GetString()?.Trim().ToLowerInvariant() is "yes" or "no" => value.Value.GetString()!.Trim().ToLowerInvariant(),
                _ => null,
            };
        }

        return value?.ValueKind == JsonValueKind.String && value.Value.GetString() is { Length: > 0 and <= MaxAnswer } text && TextRules.IsClean(text)
            ? text
            : null;
    }

    private async Task<(Guid Id, string RegisterId)?> TransactionOfAsync(Guid terminalId, string? transactionId)
    {
        if (transactionId is null)
        {
            return null;
        }

        var found = Guid.TryParse(transactionId, out var id)
            ? await db.Transactions.Where(t => t.Id == id && t.TerminalId == terminalId).Select(t => t.RegisterId).FirstOrDefaultAsync()
            : null;
        return found is null ? throw new HubException($"Transaction {HubInput.Shown(transactionId)} is not one of this terminal's.") : (id, found);
    }

    private static void Require(string? value, string name, int maxLength, bool multiline = false) =>
        HubInput.Text(value, name, maxLength, required: true, multiline: multiline);

    [GeneratedRegex("^[a-z][a-z0-9_]{0,49}$")]
    private static partial Regex SnakeCase();
}
