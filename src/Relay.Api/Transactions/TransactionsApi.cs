using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;
using Relay.Api.Infrastructure;
using Relay.Api.Security;
using Relay.Api.Webhooks;

namespace Relay.Api.Transactions;

/// <summary>Payments and other terminal operations (account key), plus the operator's resolve (admin key).</summary>
public static class TransactionsApi
{
    public static IServiceCollection AddTransactions(this IServiceCollection services) => services
        .AddSingleton<TransactionWaiters>()
        .AddScoped<TransactionStateMachine>()
        .AddScoped<TransactionService>()
        .AddScoped<ReportedTransactions>()
        .AddHostedService<ExpirySweeper>()
        .AddHousekeeping("idempotency keys", (db, options, now, ct) =>
            db.IdempotencyRecords.Where(r => r.CreatedAt < now - options.IdempotencyKeyRetention).ExecuteDeleteAsync(ct));

    public static RouteGroupBuilder MapTransactions(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1").WithTags("Transactions").RequireAuthorization(AuthenticationSetup.Account)
            .ProducesProblems(401);

        group.MapPost("/transactions", Create).ProducesProblems(400, 404, 409, 422)
            .WithSummary("Start a transaction on the register's terminal")
            .WithDescription("""
                Requires `Idempotency-Key` (1–255 characters): the same key and body again answers 200 with the transaction as it stands
                and `Idempotent-Replayed: true`; the same key with another body answers 422 idempotency-key-reused; concurrent requests
                with one key create exactly one transaction. `Prefer: wait=N` (N ≤ 60) holds the response until the transaction is final
                or N seconds pass. A terminal serves one transaction at a time (409 terminal-busy). An offline terminal's transaction
                waits for it until `expiresAt` (see `terminalOnline`).
                """);
        group.MapGet("/transactions/{id:guid}", Get).ProducesProblems(404).WithSummary("Get a transaction")
            .WithDescription("Honours `Prefer: wait=N` like POST: holds the response until the transaction is final or N seconds pass.");
        group.MapGet("/transactions", List).ProducesProblems(400).WithSummary("List transactions, newest first")
            .WithDescription("Filters: registerId, terminalId, status, reference, origin (pos: asked for by a POS; terminal: made " +
                             "by the terminal by itself and reported). Paged with limit (≤ 200) and cursor.");
        group.MapGet("/registers/{registerId}/transactions/last", Last).ProducesProblems(404)
            .WithSummary("The register's most recent transaction")
            .WithDescription("For a POS that restarted mid-payment: find out how its last transaction ended.");
        group.MapPost("/transactions/{id:guid}/cancel", Cancel).ProducesProblems(404, 409).WithSummary("Cancel a transaction")
            .WithDescription("""
                On a pending transaction: ends it cancelled at once; the terminal never sees it. On a delivered or in-progress one:
                status cancel_requested, forwarded to the terminal, whose result ends it (an approval that beat the cancel wins).
                409 transaction-final when it already ended.
                """);

        routes.MapPost("/api/v1/transactions/{id:guid}/resolve", Resolve).WithTags("Admin")
            .RequireAuthorization(AuthenticationSetup.Admin).ProducesProblems(400, 401, 404, 409)
            .WithSummary("Resolve a transaction stranded by a device swap (operator)")
            .WithDescription("Only for a transaction acknowledged by a device that has since been replaced, so can no longer report. " +
                             "Recorded on the transaction as `resolution`.");
        return group;
    }

    private static async Task<Results<Created<TransactionResponse>, Ok<TransactionResponse>, ProblemHttpResult>> Create(
        CreateTransactionRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        [FromHeader(Name = "Prefer")] string? prefer, ClaimsPrincipal user, HttpContext http, TransactionService transactions,
        WebhookUrls urls, CancellationToken ct)
    {
        if (!IdempotencyKeyHeader.IsUsable(idempotencyKey, "transaction", out var keyProblem)) return keyProblem;

        var errors = TransactionValidation.Validate(request);
        if (!errors.Any && request.CallbackUrl is { } callbackUrl && await urls.CheckAsync(callbackUrl, "callbackUrl", ct) is { } refused)
        {
            errors.Add("callbackUrl", refused);
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var accountId = user.GetAccountId();
        var answer = await transactions.CreateAsync(accountId, idempotencyKey, request, PreferWait.Parse(prefer), ct);
        if (answer.Refusal is { } refusal)
        {
            return Problem(refusal, answer.Transaction, request.RegisterId);
        }

        var transaction = answer.Transaction!;
        if (answer.Replayed)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
            return TypedResults.Ok(transaction);
        }

        return TypedResults.Created($"/api/v1/transactions/{transaction.Id}", transaction);
    }

    private static async Task<Results<Ok<TransactionResponse>, ProblemHttpResult>> Get(
        Guid id, [FromHeader(Name = "Prefer")] string? prefer, ClaimsPrincipal user, TransactionService transactions, CancellationToken ct)
    {
        var accountId = user.GetAccountId();
        var transaction = PreferWait.Parse(prefer) is { } wait
            ? await transactions.WaitAsync(accountId, id, wait, ct)
            : await transactions.LoadAsync(accountId, id, ct);
        return transaction is null ? Problems.NotFound("transaction") : TypedResults.Ok(transaction);
    }

    private static async Task<Results<Ok<Page<TransactionResponse>>, ProblemHttpResult>> List(
        ClaimsPrincipal user, RelayDbContext db, string? registerId, Guid? terminalId, string? status, string? reference,
        string? origin, int? limit, string? cursor, CancellationToken ct)
    {
        if (!Paging.TryRead(limit, cursor, out var size, out var after, out var errors))
        {
            return Problems.Validation(errors);
        }

        TransactionStatus parsed = default;
        if (status is not null && !WireEnum<TransactionStatus>.TryParse(status, out parsed))
        {
            return Problems.Validation("status", $"status must be one of: {WireEnum<TransactionStatus>.AllNames}.");
        }

        TransactionOrigin madeBy = default;
        if (origin is not null && !WireEnum<TransactionOrigin>.TryParse(origin, out madeBy))
        {
            return Problems.Validation("origin", $"origin must be one of: {WireEnum<TransactionOrigin>.AllNames}.");
        }

        var accountId = user.GetAccountId();
        var query = db.Transactions.AsNoTracking().Where(t => t.AccountId == accountId);
        if (origin is not null) query = query.Where(t => t.Origin == madeBy);
        if (registerId is not null) query = query.Where(t => t.RegisterId == registerId);
        if (terminalId is not null) query = query.Where(t => t.TerminalId == terminalId);
        if (status is not null) query = query.Where(t => t.Status == parsed);
        if (reference is not null) query = query.Where(t => t.Reference == reference);
        if (Paging.TryGuid(after, out var afterId)) query = query.Where(t => t.Id < afterId);

        var rows = await query.OrderByDescending(t => t.Id).Take(size + 1)
            .Select(t => new { Transaction = t, Online = t.Terminal!.ConnectionId != null }).ToListAsync(ct);
        return TypedResults.Ok(Paging.Build(rows, size, r => r.Transaction.Id.ToString(), r => r.Transaction.ToResponse(r.Online)));
    }

    private static async Task<Results<Ok<TransactionResponse>, ProblemHttpResult>> Last(
        string registerId, ClaimsPrincipal user, RelayDbContext db, TransactionService transactions, CancellationToken ct)
    {
        var accountId = user.GetAccountId();
        var id = await db.Transactions.Where(t => t.AccountId == accountId && t.RegisterId == registerId)
            .OrderByDescending(t => t.Id).Select(t => (Guid?)t.Id).FirstOrDefaultAsync(ct);
        return id is not null && await transactions.LoadAsync(accountId, id.Value, ct) is { } transaction
            ? TypedResults.Ok(transaction)
            : Problems.Of(404, "not-found", "No transactions", $"Register '{registerId}' has no transactions in this account.");
    }

    private static async Task<Results<Accepted<TransactionResponse>, ProblemHttpResult>> Cancel(
        Guid id, ClaimsPrincipal user, TransactionService transactions)
    {
        var answer = await transactions.CancelAsync(user.GetAccountId(), id);
        return answer.Refusal is { } refusal
            ? Problem(refusal, answer.Transaction)
            : TypedResults.Accepted($"/api/v1/transactions/{id}", answer.Transaction);
    }

    private static async Task<Results<Ok<TransactionResponse>, ProblemHttpResult>> Resolve(
        Guid id, ResolveTransactionRequest request, TransactionService transactions)
    {
        var errors = new ValidationErrors();
        if (request.Outcome is null) errors.Add("outcome", "outcome is required: approved, declined, cancelled or failed.");
        errors.Text("note", request.Note, 500);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var answer = await transactions.ResolveAsync(id, request.Outcome!.Value, request.Note);
        return answer.Refusal is { } refusal ? Problem(refusal, answer.Transaction) : TypedResults.Ok(answer.Transaction!);
    }

    /// <summary>A refusal of the transaction service as the API says it.</summary>
    private static ProblemHttpResult Problem(
        TransactionRefusal refusal, TransactionResponse? transaction, string? registerId = null) => refusal switch
    {
        TransactionRefusal.NotFound => Problems.NotFound("transaction"),
        TransactionRefusal.RegisterNotPaired => Problems.Of(404, "register-not-paired", "The register is not paired",
            $"Pair register '{registerId}' with a terminal first."),
        TransactionRefusal.TerminalRemoved => Problems.Of(409, "terminal-removed", "The register's terminal was removed"),
        TransactionRefusal.OriginalUnknown => Problems.Validation("originalTransactionId",
            "No transaction with that id exists in this account."),
        TransactionRefusal.TerminalBusy => Problems.Of(409, "terminal-busy", "The terminal is busy",
            "It has another transaction that is not final yet; a terminal serves one at a time."),
        TransactionRefusal.IdempotencyKeyReused => Problems.Of(422, "idempotency-key-reused",
            "The Idempotency-Key was used with a different request",
            "Use a new key for a new transaction; resend the identical body to get the original one."),
        TransactionRefusal.Final => Problems.Of(409, "transaction-final", "The transaction is already final",
            transaction is null ? null : $"It ended {WireEnum<TransactionStatus>.Name(transaction.Status)}."),
        TransactionRefusal.NotStranded => Problems.Of(409, "transaction-not-stranded", "The transaction's device can still report",
            "Only a transaction acknowledged by a device that has since been replaced can be resolved by an operator."),
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, null),
    };
}
