using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Relay.Api.Infrastructure;
using Relay.Api.Security;

namespace Relay.Api.FleetConfiguration;

/// <summary>
/// The fleet's configuration (account key): the account's default, per store and per terminal; a terminal runs with, per
/// value, its own, else its store's, else the default, and is sent it as <c>ConfigurationChanged</c> on connect and on change.
/// </summary>
public static class FleetConfigurationApi
{
    private const string PutDescription = """
        Replaces what this level sets: a member null or left out is not set here, and the level above decides (a terminal's own
        level, then its store's, then the account's default). An empty body `{}` clears the level, as DELETE does. Every terminal
        the level covers is sent its new effective configuration (hub `ConfigurationChanged`) wherever it is connected, and the
        change is a `configuration.changed` event. Answers the level as stored (a terminal's effective configuration: its GET).
        """;

    public static IServiceCollection AddFleetConfiguration(this IServiceCollection services) => services
        .AddSingleton<ConfigurationPushes>()
        .AddScoped<FleetConfigurationService>();

    public static RouteGroupBuilder MapFleetConfiguration(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1").WithTags("Fleet configuration").RequireAuthorization(AuthenticationSetup.Account)
            .ProducesProblems(401);
        group.MapGet("/configuration", GetAccount).WithSummary("The account's default configuration")
            .WithDescription("What every terminal of the account runs with where neither its store nor itself says otherwise.");
        group.MapPut("/configuration", PutAccount).ProducesProblems(400).WithSummary("Set the account's default configuration")
            .WithDescription(PutDescription);
        group.MapDelete("/configuration", DeleteAccount).WithSummary("Clear the account's default configuration");

        group.MapGet("/stores/{storeId}/configuration", GetStore).ProducesProblems(400).WithSummary("A store's configuration")
            .WithDescription("The store is the merchant's own store id, as terminals are created with (storeId); it needs no terminals.");
        group.MapPut("/stores/{storeId}/configuration", PutStore).ProducesProblems(400).WithSummary("Set a store's configuration")
            .WithDescription(PutDescription);
        group.MapDelete("/stores/{storeId}/configuration", DeleteStore).ProducesProblems(400).WithSummary("Clear a store's configuration");

        group.MapGet("/terminals/{id:guid}/configuration", GetTerminal).ProducesProblems(404)
            .WithSummary("A terminal's effective configuration, and where each value came from")
            .WithDescription("The configuration is what the terminal was (or is next) sent as ConfigurationChanged; `sources` names " +
                             "the level of each value: terminal, store or account (null where no level sets it).");
        group.MapPut("/terminals/{id:guid}/configuration", PutTerminal).ProducesProblems(400, 404)
            .WithSummary("Set a terminal's own configuration").WithDescription(PutDescription);
        group.MapDelete("/terminals/{id:guid}/configuration", DeleteTerminal).ProducesProblems(404)
            .WithSummary("Clear a terminal's own configuration");
        return group;
    }

    private static async Task<Ok<FleetLevelResponse>> GetAccount(
        ClaimsPrincipal user, FleetConfigurationService fleet, CancellationToken ct) =>
        TypedResults.Ok(await fleet.GetLevelAsync(user.GetAccountId(), FleetScope.Account, "", ct));

    private static async Task<Results<Ok<FleetLevelResponse>, ProblemHttpResult>> PutAccount(
        FleetSettings request, ClaimsPrincipal user, FleetConfigurationService fleet)
    {
        var errors = FleetValidation.Validate(request);
        if (errors.Any) return errors.ToProblem();
        return TypedResults.Ok(await fleet.SetLevelAsync(user.GetAccountId(), FleetScope.Account, "", request));
    }

    private static async Task<NoContent> DeleteAccount(ClaimsPrincipal user, FleetConfigurationService fleet)
    {
        await fleet.SetLevelAsync(user.GetAccountId(), FleetScope.Account, "", null);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<FleetLevelResponse>, ProblemHttpResult>> GetStore(
        string storeId, ClaimsPrincipal user, FleetConfigurationService fleet, CancellationToken ct)
    {
        var errors = FleetValidation.ValidateStoreId(storeId);
        if (errors.Any) return errors.ToProblem();
        return TypedResults.Ok(await fleet.GetLevelAsync(user.GetAccountId(), FleetScope.Store, storeId, ct));
    }

    private static async Task<Results<Ok<FleetLevelResponse>, ProblemHttpResult>> PutStore(
        string storeId, FleetSettings request, ClaimsPrincipal user, FleetConfigurationService fleet)
    {
        var errors = FleetValidation.ValidateStoreId(storeId);
        if (!errors.Any) errors = FleetValidation.Validate(request);
        if (errors.Any) return errors.ToProblem();
        return TypedResults.Ok(await fleet.SetLevelAsync(user.GetAccountId(), FleetScope.Store, storeId, request));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteStore(
        string storeId, ClaimsPrincipal user, FleetConfigurationService fleet)
    {
        var errors = FleetValidation.ValidateStoreId(storeId);
        if (errors.Any) return errors.ToProblem();
        await fleet.SetLevelAsync(user.GetAccountId(), FleetScope.Store, storeId, null);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<TerminalConfigurationResponse>, ProblemHttpResult>> GetTerminal(
        Guid id, ClaimsPrincipal user, FleetConfigurationService fleet, CancellationToken ct) =>
        await fleet.GetTerminalAsync(user.GetAccountId(), id, ct) is { } configuration
            ? TypedResults.Ok(configuration)
            : Problems.NotFound("terminal");

    private static async Task<Results<Ok<FleetLevelResponse>, ProblemHttpResult>> PutTerminal(
        Guid id, FleetSettings request, ClaimsPrincipal user, FleetConfigurationService fleet, CancellationToken ct)
    {
        if (!await fleet.TerminalExistsAsync(user.GetAccountId(), id, ct)) return Problems.NotFound("terminal");
        var errors = FleetValidation.Validate(request);
        if (errors.Any) return errors.ToProblem();
        return TypedResults.Ok(await fleet.SetLevelAsync(user.GetAccountId(), FleetScope.Terminal, FleetSetting.KeyOf(id), request));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteTerminal(
        Guid id, ClaimsPrincipal user, FleetConfigurationService fleet, CancellationToken ct)
    {
        if (!await fleet.TerminalExistsAsync(user.GetAccountId(), id, ct)) return Problems.NotFound("terminal");
        await fleet.SetLevelAsync(user.GetAccountId(), FleetScope.Terminal, FleetSetting.KeyOf(id), null);
        return TypedResults.NoContent();
    }
}
