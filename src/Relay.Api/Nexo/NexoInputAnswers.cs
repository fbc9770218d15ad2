using System.Text.Json;
using Relay.Api.Data;
using Relay.Api.Events;
using Relay.Api.Infrastructure;
using Relay.Api.Inputs;

namespace Relay.Api.Nexo;

/// <summary>
/// The sale system's InputResponse to an InputRequest the terminal sent it (<see cref="NexoNotifications"/>): its ServiceID names
/// the terminal.input_requested event, whose question it answers as POST /api/v1/transactions/{id}/inputs/{requestId} does.
/// </summary>
public sealed class NexoInputAnswers(RelayDbContext db, TerminalInputs inputs, ILogger<NexoInputAnswers> logger)
{
    /// <summary>Null when answered (or not answerable any more: a question already answered or expired keeps its first end); else
    /// why the response matches no question.</summary>
    public async Task<string?> AnswerAsync(Guid accountId, Guid terminalId, MessageHeader header, InputResponse response,
        CancellationToken ct)
    {
        var question = NexoNotifications.SequenceOf(header.ServiceID) is { } sequence ? await db.NumberedAsync(accountId, sequence, ct) : null;
        if (question is not { Type: EventTypes.TerminalInputRequested } || question.TerminalId != terminalId)
        {
            return $"ServiceID '{header.ServiceID}' is not an InputRequest of this POIID.";
        }

        var asked = JsonSerializer.Deserialize<InputRequestedEvent>(question.Data, RelayJson.Options)!;
        var given = response.InputResult?.Input;
        JsonElement? value = response.InputResult?.Response?.Result != "Success" ? null
            : asked.Kind == "confirm" ? (given?.ConfirmedFlag is { } flag ? JsonSerializer.SerializeToElement(flag) : null)
            : (given?.TextInput ?? given?.DigitInput) is { } text ? JsonSerializer.SerializeToElement(text) : null;
        if (value is null)
        {
            // No answer (the cashier did not give one): the terminal takes its timeout path, as with no answer at all.
            logger.LogInformation("nexo InputResponse to {RequestId} of transaction {TransactionId} gave no answer",
                asked.RequestId, asked.TransactionId);
            return null;
        }

        var (_, refusal) = await inputs.AnswerAsync(accountId, asked.TransactionId, asked.RequestId, value);
        return refusal is InputRefusal.ValueDoesNotFit ? "The Input does not answer the question asked." : null;
    }
}
