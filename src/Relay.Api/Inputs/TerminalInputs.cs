using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;
using Relay.Api.Events;
using Relay.Api.Hubs;
using Relay.Api.Infrastructure;

namespace Relay.Api.Inputs;

/// <summary>Why an answer was not taken; the endpoint says it as problem details.</summary>
public enum InputRefusal { NotFound, ValueDoesNotFit, Answered, Expired }

/// <summary>
/// The terminal's questions to the POS during a transaction (hub RequestInput), each a terminal.input_requested event,
/// and the POS's answers, accepted once and forwarded to the terminal.
/// </summary>
public sealed class TerminalInputs(
    RelayDbContext db, EventLog events, TerminalChannel terminals, TimeProvider clock, ILogger<TerminalInputs> logger)
{
    public const int MaxPrompt = 500;
    public const int MaxAnswer = 500;

    /// <summary>Records the question (once: a terminal re-asking the same request id gets the same one) and tells the POS.</summary>
    public async Task<InputRequestResponse> RequestInputAsync(
        Guid accountId, Guid terminalId, string? transactionId, InputRequestMessage? request)
    {
        var transaction = (await HubInput.TransactionOfAsync(db, terminalId,
            transactionId ?? throw new HubException("transactionId is required.")))!.Value;
        if (transaction.RegisterId is null) throw new HubException("The terminal made this transaction by itself: no POS to ask.");
        if (request is null) throw new HubException("The request is required.");
        HubInput.Text(request.RequestId, "requestId", 100, required: true);
        HubInput.Text(request.Prompt, "prompt", MaxPrompt, required: true);
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
                VALUES ({input.TransactionId}, {input.RequestId}, {accountId}, {terminalId},
                        {input.Kind}, {input.Prompt}, {now}, {input.ExpiresAt})
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
            logger.LogInformation("Transaction {TransactionId} for register {RegisterId} on terminal {TerminalId}: "
                + "the terminal asks {RequestId} ({Kind}), until {ExpiresAt}",
                transaction.Id, transaction.RegisterId, terminalId, input.RequestId, input.Kind, input.ExpiresAt);
        }

        var stored = await db.InputRequests.AsNoTracking()
            .FirstAsync(r => r.TransactionId == input.TransactionId && r.RequestId == input.RequestId);
        return InputRequestResponse.From(stored);
    }

    /// <summary>The POS's answer: accepted once, before the question expires, then forwarded to the terminal.</summary>
    public async Task<(InputRequest? Input, InputRefusal? Refusal)> AnswerAsync(
        Guid accountId, Guid transactionId, string requestId, JsonElement? value)
    {
        var input = await db.InputRequests.AsNoTracking()
            .FirstOrDefaultAsync(r => r.TransactionId == transactionId && r.RequestId == requestId && r.AccountId == accountId);
        if (input is null)
        {
            return (null, InputRefusal.NotFound);
        }

        if (Normalize(input.Kind, value) is not { } answer)
        {
            return (input, InputRefusal.ValueDoesNotFit);
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
                await events.AppendAsync(accountId, EventTypes.TerminalInputAnswered,
                    new InputAnsweredEvent(transactionId, requestId, answer), registerId, input.TerminalId, transactionId);
            }

            return updated == 1;
        });
        var current = await db.InputRequests.AsNoTracking().FirstAsync(r => r.TransactionId == transactionId && r.RequestId == requestId);
        if (!accepted)
        {
            return (current, current.AnsweredAt is not null ? InputRefusal.Answered : InputRefusal.Expired);
        }

        logger.LogInformation("Transaction {TransactionId} for register {RegisterId} on terminal {TerminalId}: "
            + "the POS answered {RequestId} with {Value}",
            transactionId, registerId, input.TerminalId, requestId, answer);
        await terminals.InputResponse(input.TerminalId, transactionId, requestId, answer);
        return (current, null);
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
                JsonValueKind.String when value.Value.GetString()?.Trim().ToLowerInvariant() is "yes" or "no" =>
                    value.Value.GetString()!.Trim().ToLowerInvariant(),
                _ => null,
            };
        }

        return value?.ValueKind == JsonValueKind.String && value.Value.GetString() is { Length: > 0 and <= MaxAnswer } text
            && TextRules.IsClean(text)
            ? text
            : null;
    }
}
