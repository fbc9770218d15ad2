using System.Text.Json.Nodes;

namespace Relay.Api.Actions;

public enum ActionType { Display, ClearDisplay, CollectInputs, Print, ShowQr, Ping }

public enum ActionStatus { Pending, Delivered, Succeeded, Failed, Cancelled, Expired }

/// <summary>
/// Something the POS asked the terminal to do outside a payment (show a cart, ask a question, print, ping): a row driven
/// through its statuses by guarded statements (<see cref="ActionStateMachine"/>), like a transaction.
/// </summary>
public sealed class TerminalAction
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    public Guid TerminalId { get; set; }
    public ActionType Type { get; set; }
    public ActionStatus Status { get; set; }
    /// <summary>What to do, as the POS asked (jsonb).</summary>
    public required ActionRequest Request { get; set; }
    /// <summary>The terminal's result (jsonb): the collected inputs, a ping's round trip.</summary>
    public JsonObject? Result { get; set; }
    public string? FailureCode { get; set; }
    public string? FailureMessage { get; set; }
    /// <summary>The POS's Idempotency-Key (unique in the account) and the hash of the body it came with.</summary>
    public required string IdempotencyKey { get; set; }
    public required string RequestHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Not delivered by then: expired.</summary>
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public Guid? DeliveredDeviceId { get; set; }
    public DateTimeOffset? CancelRequestedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    public static readonly ActionStatus[] Open = [ActionStatus.Pending, ActionStatus.Delivered];

    public static bool IsFinal(ActionStatus status) => !Open.Contains(status);

    /// <summary>Allowed while the terminal serves a transaction: the cart may change during checkout; a ping disturbs nobody.</summary>
    public static bool AllowedWhileBusy(ActionType type) => type is ActionType.Display or ActionType.ClearDisplay or ActionType.Ping;
}
