using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Relay.Api.Infrastructure;
using Relay.Api.Security;

namespace Relay.Api.Inputs;

/// <param name="Value" example="yes">For a confirm question: "yes" or "no" (or true or false). For a text question: the text (up to 500
/// characters).</param>
public sealed record AnswerInputRequest(JsonElement? Value);

/// <summary>A question the terminal asked during a transaction, and its answer once given.</summary>
/// <param name="TransactionId" example="0193a0b4-2222-7000-8000-00000000cafe">The transaction.</param>
/// <param name="RequestId" example="signature-1">The question's id within the transaction.</param>
/// <param name="Kind" example="confirm">confirm or text.</param>
/// <param name="Prompt" example="Signature OK?">The question.</param>
/// <param name="ExpiresAt" example="2026-11-24T09:41:00Z">When the terminal stops waiting.</param>
/// <param name="AnsweredAt" example="2026-11-24T09:40:12Z">When the POS answered.</param>
/// <param name="Value" example="yes">The answer.</param>
public sealed record InputRequestResponse(
    Guid TransactionId, string RequestId, string Kind, string Prompt,
    DateTimeOffset ExpiresAt, DateTimeOffset? AnsweredAt, string? Value)
{
    public static InputRequestResponse From(InputRequest r) =>
        new(r.TransactionId, r.RequestId, r.Kind, r.Prompt, r.ExpiresAt, r.AnsweredAt, r.Value);
}

/// <summary>The POS answers the terminal's questions (terminal.input_requested events).</summary>
public static class InputsApi
{
    public static IServiceCollection AddInputs(this IServiceCollection services) => services.AddScoped<TerminalInputs>();

    public static RouteHandlerBuilder MapInputs(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/api/v1/transactions/{id:guid}/inputs/{requestId}", Answer)
            .WithTags("Transactions").RequireAuthorization(AuthenticationSetup.Account)
            .ProducesProblems(400, 401, 404, 409)
            .WithSummary("Answer the terminal's question (a signature check, say)")
            .WithDescription("""
                Answers a `terminal.input_requested` event: `{ "value": "yes" }` or `"no"` for a confirm question, text for a text
                question. The first answer before `expiresAt` stands and is forwarded to the terminal; another one answers 409
                input-answered, a late one 409 input-expired. 404 for a question this account's transaction never asked.
                """);

    private static async Task<Results<Ok<InputRequestResponse>, ProblemHttpResult>> Answer(
        Guid id, string requestId, AnswerInputRequest request, ClaimsPrincipal user, TerminalInputs inputs)
    {
        var (input, refusal) = await inputs.AnswerAsync(user.GetAccountId(), id, requestId, request.Value);
        return refusal switch
        {
            null => TypedResults.Ok(InputRequestResponse.From(input!)),
            InputRefusal.NotFound => Problems.NotFound("input request"),
            InputRefusal.ValueDoesNotFit => Problems.Validation("value", input!.Kind == "confirm"
                ? "value must be \"yes\" or \"no\" (or true or false)."
                : $"value must be text of 1 to {TerminalInputs.MaxAnswer} characters, without control characters."),
            InputRefusal.Answered => Problems.Of(409, "input-answered", "The question was answered already",
                $"The answer '{input!.Value}' stands."),
            _ => Problems.Of(409, "input-expired", "The question timed out", "The terminal took its timeout path."),
        };
    }
}

