using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Relay.Api.Cluster;
using Relay.Api.Data;
using Relay.Api.Infrastructure;
using Relay.Api.Security;

namespace Relay.Api.Accounts;

/// <summary>Operator endpoints: merchant accounts and their API keys (admin key).</summary>
public static class AccountsApi
{
    public static RouteGroupBuilder MapAccounts(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/accounts").WithTags("Admin").RequireAuthorization(AuthenticationSetup.Admin)
            .ProducesProblems(401);

        group.MapPost("/", Create).ProducesProblems(400).WithSummary("Create a merchant account")
            .WithDescription("Returns the account's first API key; it is shown only in this response.");
        group.MapGet("/", List).ProducesProblems(400).WithSummary("List accounts");
        group.MapGet("/{id:guid}", Get).ProducesProblems(404).WithSummary("Get an account");
        group.MapGet("/{id:guid}/api-keys", ListKeys).ProducesProblems(404)
            .WithSummary("List an account's API keys (ids only, never the keys)");
        group.MapPost("/{id:guid}/api-keys", CreateKey).ProducesProblems(404)
            .WithSummary("Add an API key to an account (rotation, step 1)");
        group.MapDelete("/{id:guid}/api-keys/{keyId:guid}", DeleteKey).ProducesProblems(404)
            .WithSummary("Delete an API key (rotation, step 2)")
            .WithDescription("The key stops working at once.");
        return group;
    }

    private static async Task<Results<Created<CreatedAccountResponse>, ProblemHttpResult>> Create(
        CreateAccountRequest request, RelayDbContext db, TimeProvider clock, ILogger<Account> logger)
    {
        var errors = new ValidationErrors();
        errors.Text("name", request.Name, 200, required: true);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var name = request.Name!.Trim();

        var now = clock.Now();
        var account = new Account { Id = Guid.CreateVersion7(), Name = name, CreatedAt = now };
        var key = Secrets.NewToken("rk_");
        db.Accounts.Add(account);
        db.ApiKeys.Add(new ApiKey { Id = Guid.CreateVersion7(), AccountId = account.Id, KeyHash = Secrets.Hash(key), CreatedAt = now });
        await db.SaveChangesAsync();
        logger.LogInformation("Account {AccountId} created ({AccountName})", account.Id, account.Name);
        return TypedResults.Created($"/api/v1/accounts/{account.Id}",
            new CreatedAccountResponse(account.Id, account.Name, key, account.CreatedAt));
    }

    private static async Task<Results<Ok<Page<AccountResponse>>, ProblemHttpResult>> List(RelayDbContext db, int? limit, string? cursor)
    {
        if (!Paging.TryRead(limit, cursor, out var size, out var after, out var errors))
        {
            return Problems.Validation(errors);
        }

        var query = db.Accounts.AsNoTracking();
        if (Paging.TryGuid(after, out var afterId))
        {
            query = query.Where(a => a.Id > afterId);
        }

        var rows = await query.OrderBy(a => a.Id).Take(size + 1).ToListAsync();
        return TypedResults.Ok(Paging.Build(rows, size, a => a.Id.ToString(), a => a.ToResponse()));
    }

    private static async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> Get(Guid id, RelayDbContext db) =>
        await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id) is { } account
            ? TypedResults.Ok(account.ToResponse())
            : Problems.NotFound("account");

    private static async Task<Results<Ok<List<ApiKeyResponse>>, ProblemHttpResult>> ListKeys(Guid id, RelayDbContext db)
    {
        if (!await db.Accounts.AnyAsync(a => a.Id == id))
        {
            return Problems.NotFound("account");
        }

        return TypedResults.Ok(await db.ApiKeys.Where(k => k.AccountId == id).OrderBy(k => k.CreatedAt)
            .Select(k => new ApiKeyResponse(k.Id, k.CreatedAt)).ToListAsync());
    }

    private static async Task<Results<Created<CreatedApiKeyResponse>, ProblemHttpResult>> CreateKey(
        Guid id, RelayDbContext db, TimeProvider clock, ILogger<Account> logger)
    {
        if (!await db.Accounts.AnyAsync(a => a.Id == id))
        {
            return Problems.NotFound("account");
        }

        var key = Secrets.NewToken("rk_");
        var row = new ApiKey { Id = Guid.CreateVersion7(), AccountId = id, KeyHash = Secrets.Hash(key), CreatedAt = clock.Now() };
        db.ApiKeys.Add(row);
        await db.SaveChangesAsync();
        logger.LogInformation("API key {KeyId} added to account {AccountId}", row.Id, id);
        return TypedResults.Created($"/api/v1/accounts/{id}/api-keys/{row.Id}", new CreatedApiKeyResponse(row.Id, key));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteKey(
        Guid id, Guid keyId, RelayDbContext db, ApiKeyCache cache, PeerNotify notify, ILogger<Account> logger)
    {
        var deleted = await db.ApiKeys.Where(k => k.AccountId == id && k.Id == keyId).ExecuteDeleteAsync();
        cache.Forget(id);
        if (deleted == 0)
        {
            return Problems.NotFound("API key");
        }

        // Other instances drop the account's cached keys (and, should the hint be lost, within their cache's lifetime).
        await notify.SendAsync(new PeerHint.KeysChanged(id));
        logger.LogInformation("API key {KeyId} of account {AccountId} deleted", keyId, id);
        return TypedResults.NoContent();
    }
}
