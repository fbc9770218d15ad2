using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.SignalR;
using Relay.Api.Actions;
using Relay.Api.FleetConfiguration;
using Relay.Api.Infrastructure;
using Relay.Api.Inputs;
using Relay.Api.Pairing;
using Relay.Api.Security;
using Relay.Api.Settlements;
using Relay.Api.Telemetry;
using Relay.Api.Terminals;
using Relay.Api.Transactions;

namespace Relay.Api.Hubs;

/// <summary>
/// The terminal's end of the relay (transport only): authenticate, translate, call the services. Services that use the
/// database come as method parameters (SignalR resolves them from the invocation's scope), so disconnecting, which only
/// needs singletons, takes no database context out of the pool (connecting reads the configuration and open work). They are marked
/// [FromServices]: SignalR does not look for services among parameters that carry any attribute, nullable ones included.
/// </summary>
[Authorize(Policy = AuthenticationSetup.Terminal)]
public sealed class TerminalHub(
    TerminalPresence presence, TerminalConnections connections, ConfigurationPushes configurations, RelayMetrics metrics,
    IServiceProvider services, ILogger<TerminalHub> logger) : Hub
{
    public const string Path = "/hubs/terminal";

    private Guid TerminalId => Context.User!.GetTerminalId();
    private Guid DeviceId => Context.User!.GetDeviceId();
    private Guid AccountId => Context.User!.GetAccountId();

    public override async Task OnConnectedAsync()
    {
        metrics.Connected();
        var recorded = await connections.Add(TerminalId, Context, () => presence.ConnectedAsync(TerminalId, Context.ConnectionId));
        // First, so that work re-sent below (a payment asking for a tip, say) finds the terminal configured; work sent
        // meanwhile from elsewhere waits for it (TerminalChannel).
        try
        {
            await services.GetRequiredService<FleetConfigurationService>().PushOnConnectAsync(AccountId, TerminalId, Context.ConnectionId);
        }
        finally
        {
            TerminalConnections.Configured(Context);
        }

        var work = recorded ? await services.GetRequiredService<TransactionService>().OpenWorkAsync(TerminalId, DeviceId) : [];
        var actions = recorded ? await services.GetRequiredService<ActionService>().OpenWorkAsync(TerminalId, DeviceId) : [];
        logger.LogInformation("Terminal {TerminalId} connected ({ConnectionId}); sending {Count} open transactions and {Actions} actions",
            TerminalId, Context.ConnectionId, work.Count, actions.Count);
        foreach (var transaction in work)
        {
            await Clients.Caller.SendAsync("StartTransaction", TerminalTransaction.From(transaction));
            if (transaction.Status == TransactionStatus.CancelRequested)
            {
                await Clients.Caller.SendAsync("CancelTransaction", transaction.Id);
            }
        }

        foreach (var action in actions)
        {
            await Clients.Caller.SendAsync("StartAction", action.ToMessage());
            if (action.CancelRequestedAt is not null)
            {
                await Clients.Caller.SendAsync("CancelAction", action.Id);
            }
        }
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(TerminalId, Context.ConnectionId);
        configurations.Forget(TerminalId, Context.ConnectionId);
        await presence.DisconnectedAsync(TerminalId, Context.ConnectionId);
        logger.LogInformation("Terminal {TerminalId} disconnected ({ConnectionId}): {Reason}",
            TerminalId, Context.ConnectionId, exception?.Message ?? "closed");
    }

    public Task<PairingCodeResponse> RequestPairingCode([FromServices] PairingService pairing) =>
        pairing.NewCodeAsync(AccountId, TerminalId);

    public Task Display(string? transactionId, string? text, [FromServices] TerminalMessages messages) =>
        messages.DisplayAsync(AccountId, TerminalId, transactionId, text);

    public Task Print(string? transactionId, string? receipt, string? text, [FromServices] TerminalMessages messages) =>
        messages.PrintAsync(AccountId, TerminalId, transactionId, receipt, text);

    public Task<InputRequestResponse> RequestInput(
        string? transactionId, InputRequestMessage? request, [FromServices] TerminalInputs inputs) =>
        inputs.RequestInputAsync(AccountId, TerminalId, transactionId, request);

    public Task Notify(NotificationMessage? notification, [FromServices] TerminalMessages messages) =>
        messages.NotifyAsync(AccountId, TerminalId, notification);

    public async Task<ReceivedAck> TransactionReceived(string? transactionId, [FromServices] TransactionService transactions) =>
        new(await transactions.ReceivedAsync(TerminalId, DeviceId, HubInput.Id(transactionId, "transactionId")));

    public async Task<StartedAck> TransactionStarted(string? transactionId, [FromServices] TransactionService transactions)
    {
        var status = await transactions.StartedAsync(TerminalId, DeviceId, HubInput.Id(transactionId, "transactionId"));
        return new StartedAck(status is { } s ? WireEnum<TransactionStatus>.Name(s) : "unknown");
    }

    public Task<ReportAck> ReportTransaction(TerminalOriginatedTransaction? report, [FromServices] ReportedTransactions reported) =>
        reported.ReportAsync(AccountId, TerminalId, DeviceId, report);

    public Task<SettlementAck> ReportSettlement(SettlementReport? report, [FromServices] SettlementService settlements) =>
        settlements.ReportAsync(AccountId, TerminalId, report);

    public async Task<ReceivedAck> ActionReceived(string? actionId, [FromServices] ActionService actions) =>
        new(await actions.ReceivedAsync(TerminalId, DeviceId, HubInput.Id(actionId, "actionId")));

    public Task<ActionCompletionAck> CompleteAction(ActionCompletionMessage? completion, [FromServices] ActionService actions) =>
        actions.CompleteAsync(TerminalId, DeviceId, HubInput.Required(completion, "The completion"));

    public async Task<CompletionAck> CompleteTransaction(TerminalResult? result, [FromServices] TransactionService transactions)
    {
        var (id, checkedResult) = HubInput.Required(result, "The result").Checked();
        var (accepted, status) = await transactions.CompleteAsync(TerminalId, DeviceId, id, checkedResult);
        return new CompletionAck(accepted, status is { } s ? WireEnum<TransactionStatus>.Name(s) : "unknown");
    }
}
