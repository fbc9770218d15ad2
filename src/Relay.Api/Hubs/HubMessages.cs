using Relay.Api.Transactions;

namespace Relay.Api.Hubs;

/// <summary>Sent with StartTransaction: what the terminal needs to run it.</summary>
public sealed record TerminalTransaction(
    Guid Id, TransactionType Type, long? Amount, string? Currency, long? CashOutAmount, long? TipAmount, string? Reference,
    Guid? OriginalTransactionId, string RegisterId, string? RegisterName, DateTimeOffset ExpiresAt)
{
    public static TerminalTransaction From(Transaction t) => new(
        t.Id, t.Type, t.Amount, t.Currency, t.CashOutAmount, t.TipAmount, t.Reference, t.OriginalTransactionId, t.RegisterId,
        t.RegisterName, t.ExpiresAt);
}

/// <summary>The terminal's result for CompleteTransaction.</summary>
public sealed record TerminalResult(
    string? TransactionId, TransactionOutcome? Outcome, string? ResponseCode, string? ResponseText, string? AuthCode,
    string? CardScheme, string? MaskedPan, string? EntryMode, string? TerminalReference, string? AcquirerReference,
    long? AmountAuthorised, long? SurchargeAmount, long? TipAmount, string? MerchantReceipt, string? CustomerReceipt)
{
    public TransactionResult ToResult() => new(
        Outcome!.Value, ResponseCode, ResponseText, AuthCode, CardScheme, MaskedPan, EntryMode, TerminalReference,
        AcquirerReference, AmountAuthorised, SurchargeAmount, TipAmount, MerchantReceipt, CustomerReceipt);
}

public sealed record PairingCodeResponse(string Code, DateTimeOffset ExpiresAt);

public sealed record ReceivedAck(bool Proceed);

public sealed record StartedAck(string Status);

public sealed record CompletionAck(bool Accepted, string Status);

public sealed record PairingChangedMessage(string RegisterId, string? RegisterName, bool Paired);

/// <summary>Terminal → server RequestInput: a question for the POS operator.</summary>
public sealed record InputRequestMessage(string? RequestId, string? Kind, string? Prompt, int? TimeoutSeconds);

/// <summary>Terminal → server Notify: a device event (card_inserted, maintenance_required, …) with any JSON data.</summary>
public sealed record NotificationMessage(string? Kind, System.Text.Json.JsonElement? Data);
