using System.Text.Json.Nodes;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <summary>
/// A POS written with the official Adyen library for Node (@adyen/api-library, run by node from tests/interop), not by
/// anyone here, drives the nexo facade over HTTPS against the terminal simulator: the library's own serializer parses every
/// response, keeping every member Relay sends, and Relay's REST API shows the same outcome.
/// </summary>
public sealed class AdyenLibraryInteropTests(AdyenLibraryInteropTests.Fixture relay)
    : IClassFixture<AdyenLibraryInteropTests.Fixture>, IAsyncLifetime
{
    /// <summary>The relay over TLS (the library speaks only HTTPS), delivering webhooks to loopback.</summary>
    public sealed class Fixture() : KestrelRelayFixture(tls: true, WebhookTests.Fixture.WebhookSettings());

    private static int _serviceIds;

    private Merchant _merchant = null!;
    private TestTerminal _terminal = null!;
    private AdyenPos _pos = null!;

    public async Task InitializeAsync()
    {
        _merchant = await relay.NewMerchantAsync("Adyen interop");
        _terminal = await relay.NewTerminalAsync(_merchant);
        _pos = AdyenPos.Start(relay, _merchant.ApiKey);
    }

    public async Task DisposeAsync()
    {
        await _pos.DisposeAsync();
        await _terminal.DisposeAsync();
    }

    private static string NewServiceId() => Interlocked.Increment(ref _serviceIds).ToString("D10")[^10..];

    private object Payment(decimal amount, string? serviceId = null, string paymentType = "Normal", string reference = "order-1",
        string service = "payment") =>
        new
        {
            service, poiId = _terminal.TerminalId, serviceId = serviceId ?? NewServiceId(), amount, currency = "EUR", paymentType,
            reference,
        };

    /// <summary>The body of the library's parsed TerminalApiResponse (PaymentResponse, ...), checking the classes it made.</summary>
    private static JsonNode Body(JsonNode result, string body)
    {
        Assert.Equal("TerminalApiResponse", (string?)result["types"]!["response"]);
        Assert.Equal("SaleToPOIResponse", (string?)result["types"]!["message"]);
        Assert.Equal(body, (string?)result["types"]!["body"]);
        var message = result["answer"]!["SaleToPOIResponse"]!;
        Assert.Equal("Response", (string?)message["MessageHeader"]!["MessageType"]);
        return message[body]!;
    }

    private static void AssertResult(JsonNode body, string result, string? condition = null)
    {
        Assert.True((string?)body["Response"]!["Result"] == result, $"expected {result}: {body.ToJsonString()}");
        Assert.Equal(condition, (string?)body["Response"]!["ErrorCondition"]);
    }

    private static string Poi(JsonNode body) => (string)body["POIData"]!["POITransactionID"]!["TransactionID"]!;

    [Fact]
    public async Task APaymentIsApprovedWithItsAmountCardAndReceiptsAsTheLibraryParsesThem()
    {
        var payment = Body(await _pos.RunAsync(Payment(12.50m, reference: "order-4711")), "PaymentResponse");

        AssertResult(payment, "Success");
        Assert.Equal("order-4711", (string?)payment["SaleData"]!["SaleTransactionID"]!["TransactionID"]);
        var result = payment["PaymentResult"]!;
        Assert.Equal((12.5m, "EUR"), ((decimal)result["AmountsResp"]!["AuthorizedAmount"]!, (string?)result["AmountsResp"]!["Currency"]));
        Assert.Equal("Normal", (string?)result["PaymentType"]);
        Assert.False(string.IsNullOrEmpty((string?)result["PaymentInstrumentData"]!["CardData"]!["PaymentBrand"]));
        Assert.False(string.IsNullOrEmpty((string?)result["PaymentAcquirerData"]!["ApprovalCode"]));
        var receipts = payment["PaymentReceipt"]!.AsArray();
        Assert.Equal(["CashierReceipt", "CustomerReceipt"], receipts.Select(r => (string?)r!["DocumentQualifier"]));
        Assert.All(receipts, r => Assert.NotEmpty(r!["OutputContent"]!["OutputText"]!.AsArray()));

        var stored = await _merchant.GetTransactionAsync(Poi(payment));
        Assert.Equal(("purchase", "approved", 1250L), (stored.Str("type"), stored.Str("status"), (long)stored["amount"]!));
        Assert.Equal(("order-4711", _terminal.TerminalId), (stored.Str("reference"), stored.Str("terminalId")));
    }

    [Fact]
    public async Task ARefundIsAPaymentOfTypeRefund()
    {
        var refund = Body(await _pos.RunAsync(Payment(5.25m, paymentType: "Refund")), "PaymentResponse");

        AssertResult(refund, "Success");
        Assert.Equal("Refund", (string?)refund["PaymentResult"]!["PaymentType"]);
        Assert.Equal(5.25m, (decimal)refund["PaymentResult"]!["AmountsResp"]!["AuthorizedAmount"]!);
        var stored = await _merchant.GetTransactionAsync(Poi(refund));
        Assert.Equal(("refund", "approved", 525L), (stored.Str("type"), stored.Str("status"), (long)stored["amount"]!));
    }

    [Fact]
    public async Task AReversalVoidsThePayment()
    {
        var paid = Body(await _pos.RunAsync(Payment(8m)), "PaymentResponse");

        var reversal = Body(await _pos.RunAsync(new
        {
            service = "reversal", poiId = _terminal.TerminalId, serviceId = NewServiceId(), transactionId = Poi(paid),
        }), "ReversalResponse");

        AssertResult(reversal, "Success");
        Assert.Equal(Poi(paid), (string?)reversal["OriginalPOITransaction"]!["POITransactionID"]!["TransactionID"]);
        var voided = await _merchant.GetTransactionAsync(Poi(reversal));
        Assert.Equal(("void", Poi(paid)), (voided.Str("type"), voided.Str("originalTransactionId")));
    }

    [Fact]
    public async Task ADeclinedPaymentIsARefusal()
    {
        var declined = Body(await _pos.RunAsync(Payment(10.51m)), "PaymentResponse"); // the simulator declines 51

        AssertResult(declined, "Failure", "Refusal");
        Assert.Contains("responseCode=51", (string?)declined["Response"]!["AdditionalResponse"]);
        Assert.Equal("declined", (await _merchant.GetTransactionAsync(Poi(declined))).Str("status"));
    }

    [Fact]
    public async Task TransactionStatusOfAFinishedPaymentRepeatsItsResponse()
    {
        var serviceId = NewServiceId();
        var paid = Body(await _pos.RunAsync(Payment(7.25m, serviceId)), "PaymentResponse");

        var status = Body(await _pos.RunAsync(Status(serviceId)), "TransactionStatusResponse");

        AssertResult(status, "Success");
        var repeated = status["RepeatedMessageResponse"]!;
        Assert.Equal("Payment", (string?)repeated["MessageHeader"]!["MessageCategory"]);
        Assert.Equal(serviceId, (string?)repeated["MessageHeader"]!["ServiceID"]);
        var repeatedPayment = repeated["RepeatedResponseMessageBody"]!["PaymentResponse"]!;
        AssertResult(repeatedPayment, "Success");
        Assert.Equal(Poi(paid), Poi(repeatedPayment));
        Assert.Equal(7.25m, (decimal)repeatedPayment["PaymentResult"]!["AmountsResp"]!["AuthorizedAmount"]!);
        Assert.Equal("approved", (await _merchant.GetTransactionAsync(Poi(paid))).Str("status"));
    }

    private object Status(string of) => new { service = "status", poiId = _terminal.TerminalId, serviceId = NewServiceId(), of };

    [Fact]
    public async Task AbortEndsAHeldPaymentAbortedWhileTransactionStatusSaysInProgress()
    {
        var serviceId = NewServiceId();
        var held = await _pos.SendCommandAsync(Payment(10.53m, serviceId)); // the simulator holds 53 until cancelled
        await Scenario.Eventually(async () =>
        {
            var list = await _merchant.Http.GetAsync($"/api/v1/transactions?terminalId={_terminal.TerminalId}").Expect(200);
            return list["items"]!.AsArray() is [var only] && (string?)only!["status"] == "in_progress";
        }, "the held payment started");

        var status = Body(await _pos.RunAsync(Status(serviceId)), "TransactionStatusResponse");
        AssertResult(status, "Failure", "InProgress");

        // Relay answers an abort with an empty 200, which the library's sync turns into an empty TerminalApiResponse.
        var abort = await _pos.RunAsync(new
        {
            service = "abort", poiId = _terminal.TerminalId, serviceId = NewServiceId(), of = serviceId,
        });
        Assert.Equal("", (string?)abort["received"]);
        Assert.Null(abort["answer"]!["SaleToPOIResponse"]);

        var ended = Body(await _pos.ResultAsync(held), "PaymentResponse");
        AssertResult(ended, "Failure", "Aborted");
        Assert.Equal("cancelled", (await _merchant.GetTransactionAsync(Poi(ended))).Str("status"));
    }

    [Fact]
    public async Task DiagnosisSaysTheTerminalIsOk()
    {
        var diagnosis = Body(await _pos.RunAsync(new { service = "diagnosis", poiId = _terminal.TerminalId, serviceId = NewServiceId() }),
            "DiagnosisResponse");

        AssertResult(diagnosis, "Success");
        Assert.Equal("OK", (string?)diagnosis["POIStatus"]!["GlobalStatus"]);
        var view = await _merchant.Http.GetAsync($"/api/v1/terminals/{_terminal.TerminalId}").Expect(200);
        Assert.True((bool)view["online"]!);
    }

    /// <summary>
    /// POST /nexo/async: the library's async answers "ok", and the response arrives as a Standard Webhooks-signed webhook to a
    /// "nexo" format endpoint, a SaleToPOIResponse that the library's serializer parses.
    /// </summary>
    [Fact]
    public async Task AnAsyncPaymentAnswersOkAndItsResponseArrivesAsASignedNexoWebhookTheLibraryParses()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var endpoint = await _merchant.Http.PostJson("/api/v1/webhook-endpoints", new { url = receiver.BaseUrl + "/nexo", format = "nexo" })
            .Expect(201);

        var accepted = await _pos.RunAsync(Payment(14.75m, reference: "order-async", service: "async-payment"));
        Assert.Equal("ok", (string?)accepted["answer"]);

        await Scenario.Eventually(() => Task.FromResult(receiver.At("/nexo").Count > 0), "the response reached the webhook");
        var hook = receiver.At("/nexo")[0];
        Assert.True(StandardWebhooks.Verify(endpoint.Str("secret"), hook, DateTimeOffset.UtcNow), $"signature does not verify: {hook}");
        var payment = Body(await _pos.RunAsync(new { service = "parse", body = hook.Body }), "PaymentResponse");
        AssertResult(payment, "Success");
        Assert.Equal("order-async", (string?)payment["SaleData"]!["SaleTransactionID"]!["TransactionID"]);
        Assert.Equal(14.75m, (decimal)payment["PaymentResult"]!["AmountsResp"]!["AuthorizedAmount"]!);
        var stored = await _merchant.GetTransactionAsync(Poi(payment));
        Assert.Equal(("purchase", "approved", 1475L), (stored.Str("type"), stored.Str("status"), (long)stored["amount"]!));
    }
}
