namespace Relay.Api.Inputs;

/// <summary><c>terminal.input_requested</c>: the terminal asks the POS operator; answer with POST
/// /api/v1/transactions/{id}/inputs/{requestId}.</summary>
/// <param name="TransactionId" example="0193a0b4-2222-7000-8000-00000000cafe">The transaction it is about.</param>
/// <param name="RequestId" example="signature-1">The question's id within the transaction.</param>
/// <param name="Kind" example="confirm">confirm (answer yes or no) or text.</param>
/// <param name="Prompt" example="Signature OK?">The question.</param>
/// <param name="ExpiresAt" example="2026-11-24T09:41:00Z">When the terminal stops waiting and takes its timeout path.</param>
public sealed record InputRequestedEvent(Guid TransactionId, string RequestId, string Kind, string Prompt, DateTimeOffset ExpiresAt);

/// <summary><c>terminal.input_answered</c>: the POS answered the terminal's question.</summary>
/// <param name="TransactionId" example="0193a0b4-2222-7000-8000-00000000cafe">The transaction.</param>
/// <param name="RequestId" example="signature-1">The question.</param>
/// <param name="Value" example="yes">The answer.</param>
public sealed record InputAnsweredEvent(Guid TransactionId, string RequestId, string Value);
