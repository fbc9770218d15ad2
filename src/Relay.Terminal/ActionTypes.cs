using System.Text.Json.Nodes;

namespace Relay.Terminal;

// The hub's wire records for POS-driven terminal actions. Types, kinds and statuses are strings, as on the wire, so a
// terminal built today still reads an action of a type added later (and can fail it) instead of failing to read it.

/// <summary>
/// Server → terminal <c>StartAction</c>: something the POS asks of the terminal outside a payment. <see cref="Type"/> is
/// <c>display</c>, <c>clear_display</c>, <c>collect_inputs</c>, <c>print</c>, <c>show_qr</c> or <c>ping</c>; the property of
/// that type (<see cref="Display"/>, <see cref="Inputs"/>, <see cref="Print"/>, <see cref="Qr"/>) carries its details.
/// </summary>
public sealed record TerminalAction(string Id, string Type, DateTimeOffset ExpiresAt)
{
    public ActionDisplay? Display { get; init; }
    public IReadOnlyList<ActionInput>? Inputs { get; init; }
    /// <summary>For <c>collect_inputs</c>: fail with <c>timeout</c> when the customer has not answered within this long.</summary>
    public int? TimeoutSeconds { get; init; }
    public ActionPrint? Print { get; init; }
    public ActionQr? Qr { get; init; }
}

/// <summary>A cart (lines and total) and/or a message to show. Money is in minor units.</summary>
public sealed record ActionDisplay
{
    public IReadOnlyList<DisplayLine>? Lines { get; init; }
    public long? Total { get; init; }
    public string? Currency { get; init; }
    public string? Text { get; init; }
}

/// <summary>One cart line; <see cref="Amount"/> in minor units of the display's currency.</summary>
public sealed record DisplayLine(string Description, int? Quantity, long? Amount);

/// <summary>
/// One question of <c>collect_inputs</c>. <see cref="Kind"/>: <c>confirm</c>, <c>text</c>, <c>number</c>, <c>email</c>,
/// <c>phone</c>, <c>selection</c> (one of <see cref="Choices"/>) or <c>signature</c>. <see cref="Min"/> and
/// <see cref="Max"/> bound a number.
/// </summary>
public sealed record ActionInput(string Id, string Kind, string Prompt, bool Required)
{
    public IReadOnlyList<string>? Choices { get; init; }
    public long? Min { get; init; }
    public long? Max { get; init; }
}

/// <summary>What to print: text, a QR code, or both.</summary>
public sealed record ActionPrint(string? Text, string? QrCode);

/// <summary>A QR code to show, with an optional caption.</summary>
public sealed record ActionQr(string Data, string? Text);

/// <summary>The customer's answer to one question; a skipped question has a null value.</summary>
public sealed record CollectedInput(string Id, string? Value, bool Skipped);

/// <summary>
/// Terminal → server <c>CompleteAction</c>: the terminal's final word on an action. <see cref="Status"/> is
/// <c>succeeded</c>, <c>failed</c> (with a <see cref="FailureCode"/> such as <c>timeout</c>, <c>declined_by_customer</c>
/// or <c>printer_error</c>) or <c>cancelled</c>. <see cref="Result"/> is a JSON object or null: for <c>collect_inputs</c>
/// <c>{ inputs: [{ id, value, skipped }] }</c> (<see cref="InputsResult"/>), for <c>ping</c> <c>{ appVersion }</c>
/// (<see cref="PingResult"/>), null for the others.
/// </summary>
public sealed record ActionCompletion(string ActionId, string Status)
{
    public const string StatusSucceeded = "succeeded";
    public const string StatusFailed = "failed";
    public const string StatusCancelled = "cancelled";

    public JsonNode? Result { get; init; }
    public string? FailureCode { get; init; }
    public string? FailureMessage { get; init; }

    public static ActionCompletion Succeeded(string actionId, JsonNode? result = null) =>
        new(actionId, StatusSucceeded) { Result = result };

    public static ActionCompletion Failed(string actionId, string failureCode, string? failureMessage = null) =>
        new(actionId, StatusFailed) { FailureCode = failureCode, FailureMessage = failureMessage };

    public static ActionCompletion Cancelled(string actionId) => new(actionId, StatusCancelled);

    /// <summary>The result of <c>collect_inputs</c>: <c>{ inputs: [{ id, value, skipped }] }</c>, in the order given.</summary>
    public static JsonObject InputsResult(IEnumerable<CollectedInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var array = new JsonArray();
        foreach (var input in inputs)
        {
            array.Add(new JsonObject { ["id"] = input.Id, ["value"] = input.Value, ["skipped"] = input.Skipped });
        }

        return new JsonObject { ["inputs"] = array };
    }

    /// <summary>The result of <c>ping</c>: <c>{ appVersion }</c>.</summary>
    public static JsonObject PingResult(string appVersion) => new() { ["appVersion"] = appVersion };

    /// <summary>
    /// Throws <see cref="ArgumentException"/> for what the relay could never accept (it must not wait in the outbox): no
    /// action id, a status other than the three, a result that is not a JSON object.
    /// </summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(ActionId))
            throw new ArgumentException("ActionId is required.", nameof(ActionId));
        if (Status is not (StatusSucceeded or StatusFailed or StatusCancelled))
            throw new ArgumentException($"Status must be succeeded, failed or cancelled, not '{Status}'.", nameof(Status));
        if (Result is not (null or JsonObject))
            throw new ArgumentException("Result must be a JSON object or null.", nameof(Result));
        // What the relay always refuses, refused here, so that it never waits in the outbox to be refused again and again.
        if (FailureCode is { Length: > 100 } || FailureCode?.Any(char.IsControl) == true)
            throw new ArgumentException("FailureCode must be at most 100 characters, without control characters.", nameof(FailureCode));
        if (FailureMessage is { Length: > 500 } || FailureMessage?.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')) == true)
            throw new ArgumentException(
                "FailureMessage must be at most 500 characters, without control characters.", nameof(FailureMessage));
        if (Result?.ToJsonString() is { Length: > 64 * 1024 })
            throw new ArgumentException("Result must be at most 64 KB of JSON.", nameof(Result));
    }
}

/// <summary>The relay's answer to an action's completion. Either answer is final: the completion leaves the outbox.</summary>
public sealed record ActionAck(bool Accepted, string Status);
