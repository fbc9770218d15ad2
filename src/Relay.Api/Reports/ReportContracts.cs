using Relay.Api.Transactions;

namespace Relay.Api.Reports;

/// <param name="From" example="2026-12-02T00:00:00+13:00">The start of the period (inclusive), as asked.</param>
/// <param name="To" example="2026-12-03T00:00:00+13:00">The end of the period (exclusive), as asked.</param>
/// <param name="TerminalId" example="null">Only this terminal's transactions, when asked.</param>
/// <param name="RegisterId" example="null">Only this register's transactions, when asked.</param>
/// <param name="StoreId" example="store-042">Only the transactions of this store's terminals, when asked.</param>
/// <param name="Origin" example="null">Only those a POS asked for (pos) or the terminals made by themselves (terminal), when
/// asked.</param>
/// <param name="Totals">One row per type, status and currency that had a transaction end in the period, ordered by them.</param>
public sealed record TotalsResponse(
    DateTimeOffset From, DateTimeOffset To, Guid? TerminalId, string? RegisterId, string? StoreId, TransactionOrigin? Origin,
    IReadOnlyList<TotalsRow> Totals);

/// <summary>
/// The sums of one group of final transactions, in integer minor units: what the POS asked for (amount, cash out) and what
/// the terminals reported (authorised, surcharge); the tip as the terminal reported it, else as the POS asked it.
/// </summary>
/// <param name="Type" example="purchase">The transaction type.</param>
/// <param name="Status" example="approved">The final status (an operator's resolution counts as the status it gave).</param>
/// <param name="Currency" example="NZD">ISO 4217; null for types without an amount (settlement, reprint, logon...).</param>
/// <param name="Count" example="3">How many transactions.</param>
/// <param name="Amount" example="3750">The sum of their amounts, as the POS asked.</param>
/// <param name="AmountAuthorised" example="3900">The sum of the amounts the terminals reported authorised (0 where a result
/// has none, as for a resolved or expired transaction); less than asked after partial approvals.</param>
/// <param name="TipAmount" example="150">The sum of the tips: the terminal's reported tip, else the tip the POS asked.</param>
/// <param name="CashOutAmount" example="0">The sum of the cash out amounts the POS asked.</param>
/// <param name="SurchargeAmount" example="0">The sum of the surcharges the terminals reported.</param>
public sealed record TotalsRow(
    TransactionType Type, TransactionStatus Status, string? Currency, long Count, long Amount, long AmountAuthorised, long TipAmount,
    long CashOutAmount, long SurchargeAmount);
