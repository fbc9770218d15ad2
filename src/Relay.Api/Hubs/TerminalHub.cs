using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Relay.Api.Infrastructure;
using Relay.Api.Pairing;
using Relay.Api.Security;
using Relay.Api.Terminals;
using Relay.Api.Transactions;

namespace Relay.Api.Hubs;

/// <summary>The terminal's end of the relay (transport only): authenticate, translate, call the services.</summary>
[Authorize(Policy = AuthenticationSetup.Terminal)]
public sealed class TerminalHub(
    TransactionService transactions, PairingService pairing, TerminalPresence presence, TerminalConnections connections,
    TerminalMessages messages, ILogger<TerminalHub> logger) : Hub
{
    public const string Path = "/hubs/terminal";

    private Guid TerminalId => Context.User!.GetTerminalId();
    private Guid DeviceId => Context.User!.GetDeviceId();
    private Guid AccountId => Context.User!.GetAccountId();

    public override async Task OnConnectedAsync()
    {
        connections.Add(TerminalId, Context);
        var work = await presence.ConnectedAsync(TerminalId, Context.ConnectionId) ? await transactions.OpenWorkAsync(TerminalId, DeviceId) : [];
        logger.LogInformation("Terminal {TerminalId} connected ({ConnectionId}); sending {Count} open transactions", TerminalId, Context.ConnectionId, work.Count);
        foreach (var transaction in work)
        {
            await Clients.Caller.SendAsync("StartTransaction", TerminalTransaction.From(transaction));
            if (transaction.Status == TransactionStatus.CancelRequested)
            {
                await Clients.Caller.SendAsync("CancelTransaction", transaction.Id);
            }
        }
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(TerminalId, Context.ConnectionId);
        await presence.DisconnectedAsync(TerminalId, Context.ConnectionId);
        logger.LogInformation("Terminal {TerminalId} disconnected ({ConnectionId}): {Reason}", TerminalId, Context.ConnectionId, exception?.Message ?? "closed");
    }

    public Task<PairingCodeResponse> RequestPairingCode() => pairing.NewCodeAsync(AccountId, TerminalId);

    public Task Display(string? transactionId, string? text) => messages.DisplayAsync(AccountId, TerminalId, transactionId, text);

    public Task Print(string? transactionId, string? receipt, string? text) => messages.PrintAsync(AccountId, TerminalId, transactionId, receipt, text);

    public Task<InputRequestResponse> RequestInput(string? transactionId, InputRequestMessage? request) =>
        messages.RequestInputAsync(AccountId, TerminalId, transactionId, request);

    public Task Notify(NotificationMessage? notification) => messages.NotifyAsync(AccountId, TerminalId, notification);

    public async Task<ReceivedAck> TransactionReceived(string transactionId) =>
        new(Guid.TryParse(transactionId, out var id) && await transactions.ReceivedAsync(TerminalId, DeviceId, id));

    public async Task<StartedAck> TransactionStarted(string transactionId)
    {
        var status = Guid.TryParse(transactionId, out var id) ? await transactions.StartedAsync(TerminalId, DeviceId, id) : null;
        return new StartedAck(status is { } s ? WireEnum<TransactionStatus>.Name(s) : "unknown");
    }

    public async Task<CompletionAck> CompleteTransaction(TerminalResult result)
    {
        if (!Guid.TryParse(result.TransactionId, out var id) || result.Outcome is null)
        {
            throw new HubException("A result needs a transactionId and an outcome (approved, declined, cancelled or failed).");
        }

        var (accepted, status) = await transactions.CompleteAsync(TerminalId, DeviceId, id, result.ToResult());
        return new CompletionAck(accepted, status is { } s ? WireEnum<TransactionStatus>.Name(s) : "unknown");
    }
}
