using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;
using Relay.Api.Infrastructure;
using Relay.Api.Transactions;

namespace Relay.Api.Nexo;

/// <summary>
/// nexo's Payment, Reversal and Reconciliation as Relay transactions (purchase, refund, cash_out; void; settlement) on the
/// terminal POIID names, keyed by the message's ServiceID; TransactionStatus and Abort of them by that ServiceID.
/// </summary>
public sealed class NexoPayments(
    RelayDbContext db, TransactionService transactions, NexoAsyncMessages asyncMessages, ILogger<NexoPayments> logger)
{
    private static readonly Dictionary<string, TransactionType> PaymentTypes = new(StringComparer.Ordinal)
    {
        ["Normal"] = TransactionType.Purchase, ["Refund"] = TransactionType.Refund, ["CashAdvance"] = TransactionType.CashOut,
    };

    public async Task<SaleToPoiResponseEnvelope?> PaymentAsync(NexoCall call, PaymentRequest payment, CancellationToken ct)
    {
        SaleToPoiResponseEnvelope Refused(Response response) =>
            Answer(call, new PaymentResponse { Response = response, SaleData = payment.SaleData });
        var sentAt = payment.SaleData?.SaleTransactionID?.TimeStamp;
        if (call.Mode == NexoMode.Replay) return await ReplayAsync(call, t => Answer(call, PaymentOf(t, call, sentAt)), ct);

        var paymentType = payment.PaymentData?.PaymentType ?? "Normal";
        if (!PaymentTypes.TryGetValue(paymentType, out var type))
        {
            return Refused(NexoResults.Failure("NotAllowed", $"PaymentType {paymentType} is not offered: Normal, Refund or CashAdvance."));
        }

        if (payment.SaleData?.SaleTransactionID is not { TransactionID: { Length: > 0 } saleTransactionId })
        {
            return Refused(NexoResults.MessageFormat("SaleData.SaleTransactionID.TransactionID is required."));
        }

        if (payment.PaymentTransaction?.AmountsReq is not { Currency: { } currency, RequestedAmount: { } requested } amounts)
        {
            return Refused(NexoResults.MessageFormat("PaymentTransaction.AmountsReq needs Currency and RequestedAmount."));
        }

        // RequestedAmount includes the cash back (nexo: CashBackAmount is part of it); a tip comes on top.
        long? total = NexoAmounts.ToMinor(requested, currency), cashBack = Minor(amounts.CashBackAmount, currency),
            tip = Minor(amounts.TipAmount, currency);
        if (total is null || (amounts.CashBackAmount is not null && cashBack is null) || (amounts.TipAmount is not null && tip is null))
        {
            return Refused(NexoResults.MessageFormat(
                $"Amounts must be zero or more, with at most {NexoAmounts.ExponentOf(currency)} decimals for {currency}, and at most " +
                $"{TransactionValidation.MaxAmount} minor units."));
        }

        if (cashBack > total)
        {
            return Refused(NexoResults.MessageFormat("CashBackAmount is part of RequestedAmount, so cannot exceed it."));
        }

        var request = new CreateTransactionRequest(
            call.Header.SaleID, type, total - (cashBack ?? 0), currency, cashBack, tip, saleTransactionId, null, null, null);
        return await CreateAsync(call, request, ct, t => Answer(call, PaymentOf(t, call, sentAt)), Refused);
    }

    public async Task<SaleToPoiResponseEnvelope?> ReversalAsync(NexoCall call, ReversalRequest reversal, CancellationToken ct)
    {
        SaleToPoiResponseEnvelope Refused(Response response) => Answer(call,
            new ReversalResponse { Response = response, OriginalPOITransaction = reversal.OriginalPOITransaction });
        if (call.Mode == NexoMode.Replay)
            return await ReplayAsync(call, t => Answer(call, ReversalOf(t, reversal.OriginalPOITransaction)), ct);

        if (reversal.OriginalPOITransaction?.POITransactionID?.TransactionID is not { } original || !Guid.TryParse(original, out _))
        {
            return Refused(NexoResults.MessageFormat(
                "OriginalPOITransaction.POITransactionID.TransactionID must be the POITransactionID of the payment to reverse."));
        }

        if (reversal.ReversedAmount is not null)
        {
            return Refused(NexoResults.Failure("NotAllowed", "A reversal voids the whole payment: leave ReversedAmount out."));
        }

        var request = new CreateTransactionRequest(call.Header.SaleID, TransactionType.Void, null, null, null, null, null, original, null, null);
        return await CreateAsync(call, request, ct, t => Answer(call, ReversalOf(t, reversal.OriginalPOITransaction)), Refused);
    }

    public async Task<SaleToPoiResponseEnvelope?> ReconciliationAsync(NexoCall call, ReconciliationRequest reconciliation, CancellationToken ct)
    {
        var kind = reconciliation.ReconciliationType;
        SaleToPoiResponseEnvelope Refused(Response response) =>
            Answer(call, new ReconciliationResponse { Response = response, ReconciliationType = kind });
        if (call.Mode == NexoMode.Replay)
            return await ReplayAsync(call, t => Answer(call, ReconciliationOf(t, kind ?? "SaleReconciliation")), ct);

        if (kind is not ("SaleReconciliation" or "AcquirerReconciliation"))
        {
            return Refused(kind is null or not ("AcquirerSynchronisation" or "PreviousReconciliation")
                ? NexoResults.MessageFormat("ReconciliationType must be SaleReconciliation, AcquirerReconciliation, AcquirerSynchronisation " +
                                            "or PreviousReconciliation.")
                : NexoResults.Failure("NotAllowed", $"{kind} is not offered: SaleReconciliation or AcquirerReconciliation."));
        }

        var request = new CreateTransactionRequest(
            call.Header.SaleID, TransactionType.Settlement, null, null, null, null, null, null, null, null);
        return await CreateAsync(call, request, ct, t => Answer(call, ReconciliationOf(t, kind)), Refused);
    }

    public async Task<SaleToPoiResponseEnvelope> TransactionStatusAsync(NexoCall call, TransactionStatusRequest status, CancellationToken ct)
    {
        var reference = status.MessageReference!;
        var asked = reference with { SaleID = reference.SaleID ?? call.Header.SaleID, POIID = reference.POIID ?? call.Header.POIID };
        SaleToPoiResponseEnvelope Status(Response response, RepeatedMessageResponse? repeated = null) => Answer(call,
            new TransactionStatusResponse { Response = response, MessageReference = asked, RepeatedMessageResponse = repeated });

        // nexo repeats Payment and Reversal (RepeatedResponseMessageBody has no Reconciliation).
        if (asked.MessageCategory is not (null or "Payment" or "Reversal"))
        {
            return Status(NexoResults.Failure("NotAllowed", "TransactionStatus answers for Payment and Reversal."));
        }

        var transaction = await IdOfAsync(call, call.KeysOf(reference.ServiceID!), ct) is { } id
            ? await transactions.LoadAsync(call.AccountId, id, ct)
            : null;
        if (transaction?.Type == TransactionType.Settlement)
        {
            return Status(NexoResults.Failure("NotAllowed", "TransactionStatus answers for Payment and Reversal, not Reconciliation."));
        }

        if (transaction is null)
        {
            return Status(NexoResults.Failure("NotFound", $"No message with ServiceID {reference.ServiceID} on this POIID in the last 48 hours."));
        }

        if (!Transaction.IsFinal(transaction.Status))
        {
            return Status(NexoResults.Failure("InProgress", "The terminal has not finished it yet."));
        }

        var header = call.Header with
        {
            MessageCategory = transaction.Type == TransactionType.Void ? "Reversal" : "Payment", MessageType = "Response", ServiceID = reference.ServiceID,
            SaleID = transaction.RegisterId ?? call.Header.SaleID,
        };
        var body = transaction.Type == TransactionType.Void
            ? new RepeatedResponseMessageBody { ReversalResponse = ReversalOf(transaction, null) }
            : new RepeatedResponseMessageBody { PaymentResponse = PaymentOf(transaction, call, sentAt: null) };
        return Status(NexoResults.Success, new RepeatedMessageResponse(header, body));
    }

    /// <summary>The referenced payment is cancelled as a POS cancel is: at once when the terminal has not received it, else asked
    /// of the terminal, whose result ends it (Failure + Aborted when it stops).</summary>
    public async Task AbortAsync(NexoCall call, string serviceId)
    {
        var id = await IdOfAsync(call, call.KeysOf(serviceId), CancellationToken.None);
        if (id is null)
        {
            logger.LogInformation("nexo Abort of ServiceID {ServiceId} on terminal {TerminalId}: no such payment", serviceId, call.TerminalId);
            return;
        }

        await transactions.CancelAsync(call.AccountId, id.Value);
    }

    /// <summary>The transaction's answer; null when accepted async.</summary>
    private async Task<SaleToPoiResponseEnvelope?> CreateAsync(
        NexoCall call, CreateTransactionRequest request, CancellationToken ct, Func<TransactionResponse, SaleToPoiResponseEnvelope> answer,
        Func<Response, SaleToPoiResponseEnvelope> refused)
    {
        var errors = TransactionValidation.Validate(request);
        if (errors.Any)
        {
            return refused(NexoResults.MessageFormat(string.Join(" ", errors.Messages)));
        }

        // A new payment needs the terminal there; a retry answers as the first message did, whatever the terminal's state now.
        if (!call.Online && !call.Taken)
        {
            return refused(NexoResults.Failure("UnavailableDevice", "The terminal is not connected to Relay."));
        }

        if (call.Mode == NexoMode.Async) await asyncMessages.KeepAsync(call, RelayJson.HashOf(request), ct);
        var created = await transactions.CreateAsync(call.AccountId, call.Key, request, call.Wait, ct, call.TerminalId);
        return created.Refusal switch
        {
            // Accepted async: "ok", and the response follows as a webhook; one that has ended already is answered now.
            null when !Transaction.IsFinal(created.Transaction!.Status) => call.NotEnded(),
            null => answer(created.Transaction!),
            TransactionRefusal.TerminalBusy => refused(NexoResults.Failure("Busy", "The terminal is serving another transaction.")),
            TransactionRefusal.IdempotencyKeyReused => refused(NexoResults.MessageFormat(
                $"ServiceID {call.Header.ServiceID} was used on this POIID for another message in the last 48 hours.")),
            TransactionRefusal.OriginalUnknown => refused(NexoResults.Failure("NotFound", "No such payment to reverse in this account.")),
            var other => refused(NexoResults.Failure("NotFound", $"The terminal cannot take it ({other}).")),
        };
    }

    /// <summary>A kept async message's response: what it made (<see cref="NexoCall.Made"/>) once final, read only.</summary>
    private async Task<SaleToPoiResponseEnvelope?> ReplayAsync(
        NexoCall call, Func<TransactionResponse, SaleToPoiResponseEnvelope> answer, CancellationToken ct) =>
        call.Made is { } id && await transactions.LoadAsync(call.AccountId, id, ct) is { } made && Transaction.IsFinal(made.Status)
            ? answer(made)
            : null;

    /// <summary>The transaction the first of <paramref name="keys"/> that holds one made.</summary>
    private async Task<Guid?> IdOfAsync(NexoCall call, IReadOnlyList<string> keys, CancellationToken ct) => NexoCall.FirstHeld(keys,
        (await db.IdempotencyRecords.AsNoTracking().Where(r => r.AccountId == call.AccountId && keys.Contains(r.Key))
            .Select(r => new { r.Key, r.TransactionId }).ToListAsync(ct)).Select(r => (r.Key, r.TransactionId)));

    private static long? Minor(decimal? amount, string currency) => amount is { } value ? NexoAmounts.ToMinor(value, currency) : null;

    private static SaleToPoiResponseEnvelope Answer(NexoCall call, PaymentResponse body) => call.Answer(new SaleToPoiResponse { PaymentResponse = body });

    private static SaleToPoiResponseEnvelope Answer(NexoCall call, ReversalResponse body) => call.Answer(new SaleToPoiResponse { ReversalResponse = body });

    private static SaleToPoiResponseEnvelope Answer(NexoCall call, ReconciliationResponse body) => call.Answer(new SaleToPoiResponse { ReconciliationResponse = body });

    private static SaleToPoiResponseEnvelope Answer(NexoCall call, TransactionStatusResponse body) => call.Answer(new SaleToPoiResponse { TransactionStatusResponse = body });

    /// <summary>The payment's response; its SaleTransactionID carries the POS's TimeStamp when the message is at hand
    /// (<paramref name="sentAt"/>; TransactionStatus gives the time Relay created it).</summary>
    private static PaymentResponse PaymentOf(TransactionResponse t, NexoCall call, DateTimeOffset? sentAt) => new()
    {
        Response = NexoOutcomes.Of(t),
        SaleData = new SaleData { SaleTransactionID = new TransactionIdentification(t.Reference, sentAt ?? t.CreatedAt) },
        POIData = new PoiData(new TransactionIdentification(t.Id.ToString(), t.CreatedAt)),
        PaymentResult = t.Result is { } result && t.Currency is { } currency
            ? new PaymentResult
            {
                PaymentType = PaymentTypes.FirstOrDefault(p => p.Value == t.Type).Key ?? "Normal",
                PaymentInstrumentData = new PaymentInstrumentData("Card",
                    new CardData(result.CardScheme, result.MaskedPan, NexoOutcomes.EntryModes(result.EntryMode))),
                AmountsResp = new AmountsResp(currency,
                    NexoAmounts.ToMajor(result.AmountAuthorised
                        ?? (t.Status == TransactionStatus.Approved ? (t.Amount ?? 0) + (t.CashOutAmount ?? 0) + (result.TipAmount ?? t.TipAmount ?? 0) : 0),
                        currency),
                    Major(result.TipAmount ?? t.TipAmount, currency), Major(t.CashOutAmount, currency)),
                OnlineFlag = true,
                PaymentAcquirerData = new PaymentAcquirerData(result.AuthCode,
                    result.AcquirerReference is { } acquirer ? new TransactionIdentification(acquirer, t.CompletedAt) : null, call.Header.POIID),
            }
            : null,
        PaymentReceipt = NexoOutcomes.Receipts(t.Result),
    };

    private static ReversalResponse ReversalOf(TransactionResponse t, OriginalPoiTransaction? original) => new()
    {
        Response = NexoOutcomes.Of(t),
        POIData = new PoiData(new TransactionIdentification(t.Id.ToString(), t.CreatedAt)),
        OriginalPOITransaction = original ?? new OriginalPoiTransaction
        {
            POITransactionID = new TransactionIdentification(t.OriginalTransactionId?.ToString(), null),
        },
        PaymentReceipt = NexoOutcomes.Receipts(t.Result),
    };

    private static ReconciliationResponse ReconciliationOf(TransactionResponse t, string kind) => new()
    {
        Response = NexoOutcomes.Of(t),
        ReconciliationType = kind,
        POIReconciliationID = t.Result?.TerminalReference ?? t.Id.ToString(),
        TransactionTotals = NexoOutcomes.Totals(t.Result?.Totals),
    };

    private static decimal? Major(long? minor, string currency) => minor is { } value ? NexoAmounts.ToMajor(value, currency) : null;
}
