using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;
using Relay.Api.Hubs;
using Relay.Api.Infrastructure;
using Relay.Api.Security;

namespace Relay.Api.Terminals;

/// <summary>A device becomes a terminal by presenting its activation code; the code is the credential.</summary>
public static class ActivationApi
{
    public const string RateLimitPolicy = "activation";

    public static RouteHandlerBuilder MapTerminalActivation(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/api/v1/terminal-activations", Activate)
            .WithTags("Terminal activation")
            .WithSummary("Activate a device with its activation code")
            .WithDescription("No account key: the single-use code is the credential. Returns the device token for the hub. " +
                             "Activating an already-activated terminal (device swap) revokes the old device's token " +
                             "and keeps the terminal's pairings.")
            .RequireRateLimiting(RateLimitPolicy).ProducesProblems(400, 429)
            .AllowAnonymous();

    private static async Task<Results<Ok<ActivationResponse>, ProblemHttpResult>> Activate(
        ActivateTerminalRequest request, RelayDbContext db, TimeProvider clock, TerminalConnections connections, ILogger<Terminal> logger)
    {
        var errors = new ValidationErrors();
        errors.Text("activationCode", request.ActivationCode, 40, required: true);
        errors.Text("serialNumber", request.SerialNumber, 100, required: true);
        errors.Text("model", request.Model, 100);
        errors.Text("appVersion", request.AppVersion, 50);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var now = clock.Now();
        var codeHash = Secrets.Hash(Secrets.NormalizeCode(request.ActivationCode!));
        var terminal = await db.Terminals.AsNoTracking()
            .Where(t => t.ActivationCodeHash == codeHash && t.ActivationCodeExpiresAt > now && t.Status != TerminalStatus.Removed)
            .Select(t => new { t.Id, t.AccountId, t.DeviceId })
            .FirstOrDefaultAsync();

        var token = Secrets.NewToken("rdt_");
        var deviceId = Guid.CreateVersion7();
        // The code hash in the WHERE makes the code single use even when two devices race with it.
        var activated = terminal is not null && await db.Terminals
            .Where(t => t.Id == terminal.Id && t.ActivationCodeHash == codeHash)
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.ActivationCodeHash, (string?)null).SetProperty(t => t.ActivationCodeExpiresAt, (DateTimeOffset?)null)
                .SetProperty(t => t.Status, TerminalStatus.Activated).SetProperty(t => t.ActivatedAt, now)
                .SetProperty(t => t.DeviceId, deviceId).SetProperty(t => t.DeviceTokenHash, Secrets.Hash(token))
                .SetProperty(t => t.SerialNumber, request.SerialNumber!.Trim()).SetProperty(t => t.Model, request.Model)
                .SetProperty(t => t.AppVersion, request.AppVersion).SetProperty(t => t.ConnectionId, (string?)null)) == 1;
        if (!activated)
        {
            logger.LogWarning("Activation refused: unknown, used or expired code (serial {SerialNumber})", request.SerialNumber);
            return Problems.Of(400, "activation-code-invalid", "The activation code is not valid",
                "It is unknown, already used or expired.");
        }

        if (terminal!.DeviceId is { } oldDevice)
        {
            connections.Close(terminal.Id);
            logger.LogWarning("Terminal {TerminalId} moved to a new device {DeviceId} (serial {SerialNumber}); "
                + "device {OldDeviceId} revoked",
                terminal.Id, deviceId, request.SerialNumber, oldDevice);
        }
        else
        {
            logger.LogInformation("Terminal {TerminalId} activated on device {DeviceId} (serial {SerialNumber})",
                terminal.Id, deviceId, request.SerialNumber);
        }

        return TypedResults.Ok(new ActivationResponse(terminal.Id, token, "/hubs/terminal"));
    }
}
