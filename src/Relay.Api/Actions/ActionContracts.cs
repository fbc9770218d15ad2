using System.Text.Json.Nodes;

namespace Relay.Api.Actions;

/// <param name="Type" example="display">display, clear_display, collect_inputs, print, show_qr or ping.</param>
/// <param name="Display">For display: a cart (lines and a total) and/or a message.</param>
/// <param name="Inputs">For collect_inputs: up to five questions, asked in order.</param>
/// <param name="TimeoutSeconds" example="60">For collect_inputs: how long the customer has (5–300, default 60).</param>
/// <param name="Print">For print: a text or a QR code to print.</param>
/// <param name="Qr">For show_qr: the QR code's data and a caption.</param>
/// <param name="QueueIfOffline" example="false">Wait for an offline terminal (until expiresInSeconds) instead of 409
/// terminal-offline.</param>
/// <param name="ExpiresInSeconds" example="30">Undelivered after this long: expired (5–300, default 30).</param>
public sealed record CreateActionRequest(
    ActionType? Type, ActionDisplay? Display, ActionInput[]? Inputs, int? TimeoutSeconds, ActionPrint? Print, ActionQr? Qr,
    bool? QueueIfOffline, int? ExpiresInSeconds)
{
    /// <summary>What is stored and sent: each input's <c>required</c> said (false unless given), and collect_inputs'
    /// <c>timeoutSeconds</c> (60 unless given).</summary>
    public ActionRequest Body() => new(Display, Inputs?.Select(i => i with { Required = i.Required ?? false }).ToArray(),
        Type == ActionType.CollectInputs ? TimeoutSeconds ?? 60 : null, Print, Qr);
}

/// <summary>What the terminal is asked to do, as stored and as shown back.</summary>
public sealed record ActionRequest(ActionDisplay? Display, ActionInput[]? Inputs, int? TimeoutSeconds, ActionPrint? Print, ActionQr? Qr);

/// <param name="Lines">The cart's lines.</param>
/// <param name="Total" example="1250">The total, in minor units.</param>
/// <param name="Currency" example="NZD">ISO 4217, with amounts.</param>
/// <param name="Text" example="Welcome!">A message.</param>
public sealed record ActionDisplay(DisplayLine[]? Lines, long? Total, string? Currency, string? Text);

/// <param name="Description" example="Flat white">What it is.</param>
/// <param name="Quantity" example="2">How many.</param>
/// <param name="Amount" example="900">The line's amount, in minor units.</param>
public sealed record DisplayLine(string? Description, int? Quantity, long? Amount);

/// <param name="Id" example="email">The input's id in the result.</param>
/// <param name="Kind" example="email">confirm, text, number, email, phone, selection (2–4 choices) or signature.</param>
/// <param name="Prompt" example="Email for your receipt?">What the customer reads.</param>
/// <param name="Required" example="false">Whether the customer may skip it.</param>
/// <param name="Choices" example="null">For selection: 2–4 choices.</param>
/// <param name="Min" example="null">For number: the smallest accepted.</param>
/// <param name="Max" example="null">For number: the largest accepted.</param>
public sealed record ActionInput(string? Id, string? Kind, string? Prompt, bool? Required, string[]? Choices, long? Min, long? Max);

/// <param name="Text" example="Voucher: 10% off your next coffee">Text to print.</param>
/// <param name="QrCode" example="null">Or a QR code's data to print.</param>
public sealed record ActionPrint(string? Text, string? QrCode);

/// <param name="Data" example="https://pay.example.com/r/123">What the QR code holds.</param>
/// <param name="Text" example="Scan to pay">A caption.</param>
public sealed record ActionQr(string? Data, string? Text);

/// <param name="Id" example="0193a0b4-5555-7000-8000-00000000ac71">The action.</param>
/// <param name="TerminalId" example="0193a0b4-1111-7000-8000-00000000beef">Its terminal.</param>
/// <param name="Type" example="collect_inputs">What it is.</param>
/// <param name="Status" example="succeeded">pending, delivered, succeeded, failed, cancelled or expired.</param>
/// <param name="Request">What was asked.</param>
/// <param name="Result">collect_inputs: { inputs: [{ id, value, skipped }] }; ping: { roundTripMs, appVersion }.</param>
/// <param name="FailureCode" example="null">Why it failed (the terminal's code: timeout, declined_by_customer, …).</param>
/// <param name="FailureMessage" example="null">The terminal's words.</param>
/// <param name="CreatedAt" example="2026-12-02T09:40:00Z">When the POS asked.</param>
/// <param name="UpdatedAt" example="2026-12-02T09:40:03Z">The last change.</param>
/// <param name="DeliveredAt" example="2026-12-02T09:40:00.02Z">When the terminal acknowledged it.</param>
/// <param name="CompletedAt" example="2026-12-02T09:40:03Z">When it ended.</param>
/// <param name="ExpiresAt" example="2026-12-02T09:40:30Z">Undelivered by then: expired.</param>
public sealed record TerminalActionResponse(
    Guid Id, Guid TerminalId, ActionType Type, ActionStatus Status, ActionRequest Request, JsonObject? Result, string? FailureCode,
    string? FailureMessage, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? DeliveredAt, DateTimeOffset? CompletedAt,
    DateTimeOffset ExpiresAt);

/// <summary>Sent with StartAction: what the terminal is to do.</summary>
public sealed record TerminalActionMessage(
    Guid Id, ActionType Type, ActionDisplay? Display, ActionInput[]? Inputs, int? TimeoutSeconds, ActionPrint? Print, ActionQr? Qr,
    DateTimeOffset ExpiresAt);

/// <summary>The terminal's CompleteAction.</summary>
public sealed record ActionCompletionMessage(
    string? ActionId, string? Status, System.Text.Json.JsonElement? Result, string? FailureCode, string? FailureMessage);

/// <param name="Accepted">False when the action had already ended otherwise.</param>
/// <param name="Status">Its status now.</param>
public sealed record ActionCompletionAck(bool Accepted, string Status);

public static class ActionMapping
{
    public static TerminalActionResponse ToResponse(this TerminalAction a) => new(
        a.Id, a.TerminalId, a.Type, a.Status, a.Request, a.Result, a.FailureCode, a.FailureMessage, a.CreatedAt, a.UpdatedAt,
        a.DeliveredAt, a.CompletedAt, a.ExpiresAt);

    public static TerminalActionMessage ToMessage(this TerminalAction a) => new(
        a.Id, a.Type, a.Request.Display, a.Request.Inputs, a.Request.TimeoutSeconds, a.Request.Print, a.Request.Qr, a.ExpiresAt);
}
