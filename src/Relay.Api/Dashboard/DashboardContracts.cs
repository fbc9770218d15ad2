using Relay.Api.Accounts;
using Relay.Api.Terminals;
using Relay.Api.Transactions;
using Relay.Api.Webhooks;

namespace Relay.Api.Dashboard;

/// <param name="Role" example="account">admin (the relay's admin key: every account) or account (an account key: that account).</param>
/// <param name="Accounts">The accounts this key sees.</param>
public sealed record DashboardScopeResponse(string Role, IReadOnlyList<AccountResponse> Accounts);

/// <param name="AccountId" example="0193a0b4-0000-7000-8000-00000000a11c">The terminal's account.</param>
/// <param name="AccountName" example="Joe's Coffee">Its name.</param>
/// <param name="Terminal">The terminal, as GET /api/v1/terminals/{id} returns it.</param>
public sealed record DashboardTerminal(Guid AccountId, string AccountName, TerminalResponse Terminal);

/// <param name="Items">The terminals (not removed), by label; at most 500.</param>
/// <param name="Total" example="12">How many there are.</param>
public sealed record DashboardTerminalsResponse(IReadOnlyList<DashboardTerminal> Items, int Total);

/// <param name="AccountId" example="0193a0b4-0000-7000-8000-00000000a11c">The transaction's account.</param>
/// <param name="AccountName" example="Joe's Coffee">Its name.</param>
/// <param name="TerminalLabel" example="Front counter">The label of the transaction's terminal.</param>
/// <param name="AgeSeconds" example="42.5">Seconds since it was created.</param>
/// <param name="Stuck" example="false">Not final after stuckAfterSeconds.</param>
/// <param name="Transaction">The transaction, as GET /api/v1/transactions/{id} returns it.</param>
public sealed record DashboardOpenTransaction(
    Guid AccountId, string AccountName, string? TerminalLabel, double AgeSeconds, bool Stuck, TransactionResponse Transaction);

/// <param name="StuckAfterSeconds" example="120">An open transaction older than this is stuck.</param>
/// <param name="Items">The open transactions, oldest first; at most 200.</param>
public sealed record DashboardOpenTransactionsResponse(int StuckAfterSeconds, IReadOnlyList<DashboardOpenTransaction> Items);

/// <param name="AccountId" example="0193a0b4-0000-7000-8000-00000000a11c">The transaction's account.</param>
/// <param name="AccountName" example="Joe's Coffee">Its name.</param>
/// <param name="Transaction">The transaction, as GET /api/v1/transactions/{id} returns it.</param>
public sealed record DashboardTransactionResponse(Guid AccountId, string AccountName, TransactionResponse Transaction);

/// <param name="AccountId" example="0193a0b4-0000-7000-8000-00000000a11c">The endpoint's account.</param>
/// <param name="AccountName" example="Joe's Coffee">Its name.</param>
/// <param name="Endpoint">The endpoint (without its secret).</param>
/// <param name="Failing" example="3">Its deliveries being retried, or given up in the last 24 hours.</param>
/// <param name="RecentFailures">The newest five of them, with their attempts.</param>
public sealed record DashboardWebhook(
    Guid AccountId, string AccountName, WebhookEndpointResponse Endpoint, int Failing,
    IReadOnlyList<WebhookDeliveryResponse> RecentFailures);

/// <param name="Items">The webhook endpoints with failing deliveries first (most first), then the newest others; at most 50.</param>
public sealed record DashboardWebhooksResponse(IReadOnlyList<DashboardWebhook> Items);

/// <param name="At" example="2026-11-24T09:41:00Z">The start of the minute.</param>
/// <param name="Payments" example="4">Payments (purchase, refund, cash_out, pre_auth, capture, void) created in it.</param>
/// <param name="Approved" example="3">Of those, approved.</param>
/// <param name="DeliveryP50Ms" example="12.5">Median time from created to acknowledged by the terminal, of those delivered.</param>
/// <param name="DeliveryP95Ms" example="30.1">The 95th percentile of the same.</param>
public sealed record ActivityMinute(DateTimeOffset At, int Payments, int Approved, double? DeliveryP50Ms, double? DeliveryP95Ms);

/// <param name="From" example="2026-11-24T08:42:00Z">The first minute.</param>
/// <param name="To" example="2026-11-24T09:42:00Z">The end of the last minute.</param>
/// <param name="Minutes">Sixty minutes, oldest first.</param>
public sealed record DashboardActivityResponse(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<ActivityMinute> Minutes);
