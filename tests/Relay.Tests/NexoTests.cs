using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Relay.Terminal;
using Relay.Tests.Infrastructure;
using static Relay.Tests.Infrastructure.NexoMessage;

namespace Relay.Tests;

/// <summary>The nexo facade (/nexo/sync) through HTTP with the simulator as the terminal: each service, its mapping onto Relay's
/// transactions and actions, and nexo's errors.</summary>
public sealed class NexoTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    private Task<(HttpStatusCode Status, string Body)> SendAsync(Merchant merchant, string json, bool bearer = false, string? key = null) =>
        SendAsync(merchant, Encoding.UTF8.GetBytes(json), bearer, key);

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(Merchant merchant, byte[] json, bool bearer = false,
        string? key = null)
    {
        using var http = relay.Factory.CreateClient();
        var content = new ByteArrayContent(json) { Headers = { ContentType = new("application/json") } };
        var request = new HttpRequestMessage(HttpMethod.Post, "/nexo/sync") { Content = content };
        if (bearer) request.Headers.Authorization = new("Bearer", key ?? merchant.ApiKey);
        else request.Headers.Add("X-API-Key", key ?? merchant.ApiKey);
        var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Sends the message and returns the response body named <paramref name="body"/> (asserting the header).</summary>
    private async Task<JsonNode> AskAsync(Merchant merchant, object message, string? body = null)
    {
        var json = JsonSerializer.Serialize(message);
        var (status, text) = await SendAsync(merchant, json);
        Assert.True(status == HttpStatusCode.OK, $"expected 200, got {(int)status}: {text}");
        var response = JsonNode.Parse(text)!["SaleToPOIResponse"] ?? throw new InvalidOperationException("no SaleToPOIResponse: " + text);
        var sent = JsonNode.Parse(json)!["SaleToPOIRequest"]!["MessageHeader"]!;
        var header = response["MessageHeader"]!;
        Assert.Equal("Response", (string?)header["MessageType"]);
        Assert.Equal((string?)sent["ServiceID"], (string?)header["ServiceID"]);
        Assert.Equal((string?)sent["POIID"], (string?)header["POIID"]);
        var name = body ?? (string)sent["MessageCategory"]! + "Response";
        return response[name] ?? throw new InvalidOperationException($"no {name}: {text}");
    }

    private static void AssertResult(JsonNode body, string result, string? condition = null)
    {
        Assert.True((string?)body["Response"]!["Result"] == result, $"expected {result}: {body}");
        Assert.Equal(condition, (string?)body["Response"]!["ErrorCondition"]);
    }

    [Fact]
    public async Task PaymentsRefundsAndCashAdvancesBecomeRelayTransactionsWithExactAmountsResultsAndReceipts()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);

        var paid = await AskAsync(merchant, Message("Payment", terminal.TerminalId, Payment(12.50m, reference: "order-8812")));
        AssertResult(paid, "Success");
        var id = (string)paid["POIData"]!["POITransactionID"]!["TransactionID"]!;
        Assert.Equal("order-8812", (string?)paid["SaleData"]!["SaleTransactionID"]!["TransactionID"]);
        Assert.Equal(12.50m, (decimal)paid["PaymentResult"]!["AmountsResp"]!["AuthorizedAmount"]!);
        Assert.Equal("EUR", (string?)paid["PaymentResult"]!["AmountsResp"]!["Currency"]);
        Assert.Equal("Normal", (string?)paid["PaymentResult"]!["PaymentType"]);
        Assert.Equal("visa", (string?)paid["PaymentResult"]!["PaymentInstrumentData"]!["CardData"]!["PaymentBrand"]);
        Assert.Equal(["Contactless"], paid["PaymentResult"]!["PaymentInstrumentData"]!["CardData"]!["EntryMode"]!.AsArray()
            .Select(m => (string?)m));
        Assert.False(string.IsNullOrEmpty((string?)paid["PaymentResult"]!["PaymentAcquirerData"]!["ApprovalCode"]));
        var receipts = paid["PaymentReceipt"]!.AsArray();
        Assert.Equal(["CashierReceipt", "CustomerReceipt"], receipts.Select(r => (string?)r!["DocumentQualifier"]));
        Assert.All(receipts, r => Assert.NotEmpty(r!["OutputContent"]!["OutputText"]!.AsArray()));

        var stored = await merchant.GetTransactionAsync(id);
        Assert.Equal("purchase", stored.Str("type"));
        Assert.Equal(1250, (long)stored["amount"]!);
        Assert.Equal("till-1", stored.Str("registerId"));
        Assert.Equal("order-8812", stored.Str("reference"));
        Assert.Equal(terminal.TerminalId, stored.Str("terminalId"));

        // JPY has no decimals, KWD three; cash back is part of RequestedAmount; a refund and a cash advance by PaymentType.
        var yen = await AskAsync(merchant, Message("Payment", terminal.TerminalId, Payment(1250m, "JPY")));
        AssertResult(yen, "Success");
        Assert.Equal(1250, (long)(await merchant.GetTransactionAsync(Poi(yen)))["amount"]!);
        var dinar = await AskAsync(merchant, Message("Payment", terminal.TerminalId, Payment(1.234m, "KWD")));
        Assert.Equal(1.234m, (decimal)dinar["PaymentResult"]!["AmountsResp"]!["AuthorizedAmount"]!);
        Assert.Equal(1234, (long)(await merchant.GetTransactionAsync(Poi(dinar)))["amount"]!);
        var cents = await AskAsync(merchant, Message("Payment", terminal.TerminalId, Payment(19.99m)));
        Assert.Equal(1999, (long)(await merchant.GetTransactionAsync(Poi(cents)))["amount"]!);

        var cashBack = await AskAsync(merchant, Message("Payment", terminal.TerminalId, Payment(30m, cashBack: 10m, tip: 1.5m)));
        AssertResult(cashBack, "Success");
        var withCash = await merchant.GetTransactionAsync(Poi(cashBack));
        Assert.Equal((2000L, 1000L, 150L), ((long)withCash["amount"]!, (long)withCash["cashOutAmount"]!, (long)withCash["tipAmount"]!));
        Assert.Equal(10m, (decimal)cashBack["PaymentResult"]!["AmountsResp"]!["CashBackAmount"]!);

        var refund = await AskAsync(merchant, Message("Payment", terminal.TerminalId, Payment(5m, type: "Refund")));
        AssertResult(refund, "Success");
        Assert.Equal("refund", (await merchant.GetTransactionAsync(Poi(refund))).Str("type"));
        var cash = await AskAsync(merchant, Message("Payment", terminal.TerminalId, Payment(40m, type: "CashAdvance")));
        Assert.Equal("cash_out", (await merchant.GetTransactionAsync(Poi(cash))).Str("type"));
        Assert.Equal("CashAdvance", (string?)cash["PaymentResult"]!["PaymentType"]);

        // The terminal's serial number names it as well as its id.
        var serial = (await merchant.Http.GetAsync($"/api/v1/terminals/{terminal.TerminalId}").Expect(200)).Str("serialNumber");
        AssertResult(await AskAsync(merchant, Message("Payment", serial, Payment(2m))), "Success");
    }

    private static string Poi(JsonNode payment) => (string)payment["POIData"]!["POITransactionID"]!["TransactionID"]!;

    [Fact]
    public async Task DeclinesFailuresAndReversalsSayWhatTheTerminalSaid()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);

        var declined = await AskAsync(merchant, Message("Payment", terminal.TerminalId, Payment(10.51m)));
        AssertResult(declined, "Failure", "Refusal");
        Assert.Contains("responseCode=51", (string?)declined["Response"]!["AdditionalResponse"]);
        Assert.Equal("declined", (await merchant.GetTransactionAsync(Poi(declined))).Str("status"));
        var failed = await AskAsync(merchant, Message("Payment", terminal.TerminalId, Payment(10.52m)));
        AssertResult(failed, "Failure", "UnreachableHost");

        var paid = await AskAsync(merchant, Message("Payment", terminal.TerminalId, Payment(8m)));
        var original = new { POITransactionID = new { TransactionID = Poi(paid), TimeStamp = "2026-12-02T10:00:00Z" } };
        var reversed = await AskAsync(merchant, Message("Reversal", terminal.TerminalId,
            new { OriginalPOITransaction = original, ReversalReason = "MerchantCancel" }));
        AssertResult(reversed, "Success");
        Assert.Equal(Poi(paid), (string?)reversed["OriginalPOITransaction"]!["POITransactionID"]!["TransactionID"]);
        var voided = await merchant.GetTransactionAsync((string)reversed["POIData"]!["POITransactionID"]!["TransactionID"]!);
        Assert.Equal(("void", Poi(paid)), (voided.Str("type"), voided.Str("originalTransactionId")));

        var unknown = await AskAsync(merchant, Message("Reversal", terminal.TerminalId, new
        {
            OriginalPOITransaction = new { POITransactionID = new { TransactionID = Guid.NewGuid().ToString(), TimeStamp = "2026-12-02T10:00:00Z" } },
            ReversalReason = "MerchantCancel",
        }));
        AssertResult(unknown, "Failure", "NotFound");
    }

    [Fact]
    public async Task AServiceIdReplaysItsPaymentAndTransactionStatusRepeatsTheStoredResponse()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);
        var serviceId = NewServiceId();

        var first = await AskAsync(merchant, Message("Payment", terminal.TerminalId, Payment(7.25m), serviceId));
        var again = await AskAsync(merchant, Message("Payment", terminal.TerminalId, Payment(7.25m), serviceId));
        Assert.Equal(Poi(first), Poi(again));
        AssertResult(again, "Success");
        var other = await AskAsync(merchant, Message("Payment", terminal.TerminalId, Payment(9.25m), serviceId));
        AssertResult(other, "Failure", "MessageFormat");
        var all = await merchant.Http.GetAsync($"/api/v1/transactions?terminalId={terminal.TerminalId}").Expect(200);
        Assert.Single(all["items"]!.AsArray());

        var status = await AskAsync(merchant, Message("TransactionStatus", terminal.TerminalId,
            new { MessageReference = new { MessageCategory = "Payment", ServiceID = serviceId, SaleID = "till-1" } }));
        AssertResult(status, "Success");
        var repeated = status["RepeatedMessageResponse"]!;
        Assert.Equal(("Payment", serviceId), ((string?)repeated["MessageHeader"]!["MessageCategory"], (string?)repeated["MessageHeader"]!["ServiceID"]));
        var repeatedPayment = repeated["RepeatedResponseMessageBody"]!["PaymentResponse"]!;
        AssertResult(repeatedPayment, "Success");
        Assert.Equal(Poi(first), Poi(repeatedPayment));
        Assert.Equal(7.25m, (decimal)repeatedPayment["PaymentResult"]!["AmountsResp"]!["AuthorizedAmount"]!);

        var missing = await AskAsync(merchant, Message("TransactionStatus", terminal.TerminalId,
            new { MessageReference = new { MessageCategory = "Payment", ServiceID = "nosuch1" } }));
        AssertResult(missing, "Failure", "NotFound");
    }

    [Fact]
    public async Task AbortEndsARunningPaymentAbortedWhileTransactionStatusSaysInProgressAndAnotherPaymentIsBusy()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);
        var serviceId = NewServiceId();

        var held = AskAsync(merchant, Message("Payment", terminal.TerminalId, Payment(10.53m), serviceId)); // the simulator holds 53
        await Scenario.Eventually(async () =>
        {
            var list = await merchant.Http.GetAsync($"/api/v1/transactions?terminalId={terminal.TerminalId}").Expect(200);
            return list["items"]!.AsArray() is [var only] && (string?)only!["status"] == "in_progress";
        }, "the held payment started");

        var status = await AskAsync(merchant, Message("TransactionStatus", terminal.TerminalId,
            new { MessageReference = new { MessageCategory = "Payment", ServiceID = serviceId } }));
        AssertResult(status, "Failure", "InProgress");
        var busy = await AskAsync(merchant, Message("Payment", terminal.TerminalId, Payment(3m)));
        AssertResult(busy, "Failure", "Busy");
        var all = await merchant.Http.GetAsync($"/api/v1/transactions?terminalId={terminal.TerminalId}").Expect(200);
        Assert.Single(all["items"]!.AsArray());

        // Every member of the AbortRequest in Adyen's published fixtures, values ours.
        var abort = JsonSerializer.Serialize(Message("Abort", terminal.TerminalId, new
        {
            MessageReference = new
            {
                MessageCategory = "Payment", ServiceID = serviceId, DeviceID = "1", SaleID = "till-1", POIID = terminal.TerminalId,
            },
            AbortReason = "MerchantAbort",
            DisplayOutput = new
            {
                OutputContent = new { OutputText = new[] { new { Text = "Cancelled by the cashier" } }, OutputFormat = "Text" },
                ResponseRequiredFlag = false, MinimumDisplayTime = 3, Device = "CustomerDisplay", InfoQualify = "Error",
            },
        }));
        var (abortStatus, abortBody) = await SendAsync(merchant, abort);
        Assert.Equal((HttpStatusCode.OK, ""), (abortStatus, abortBody));
        var ended = await held;
        AssertResult(ended, "Failure", "Aborted");
        Assert.Equal("cancelled", (await merchant.GetTransactionAsync(Poi(ended))).Str("status"));
    }

    [Fact]
    public async Task LoginLogoutAndDiagnosisShowSessionsAndTheTerminalsState()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);

        // Every member of the LoginRequest in Adyen's published fixtures (adyen-java-api-library, mocks/terminal-api), values ours.
        object Login(bool training) => new
        {
            DateTime = "2026-12-02T10:00:00Z",
            SaleSoftware = new { ManufacturerID = "Acme", ApplicationName = "AcmePOS", SoftwareVersion = "4.2", CertificationCode = "x" },
            SaleTerminalData = new
            {
                SaleCapabilities = new[] { "CashierStatus", "PrinterReceipt" }, TerminalEnvironment = "Attended", TotalsGroupID = "front",
            },
            TrainingModeFlag = training, OperatorLanguage = "en", OperatorID = "op-3", ShiftNumber = "2", TokenRequestedType = "Transaction",
            CustomerOrderReq = new[] { "Open", "Closed" }, POISerialNumber = "SN-1",
        };
        // Relay's terminals take real payments only: a sale system in training mode is not logged in.
        AssertResult(await AskAsync(merchant, Message("Login", terminal.TerminalId, Login(training: true), saleId: "till-7")),
            "Failure", "NotAllowed");
        Assert.Null((await AskAsync(merchant, Message("Diagnosis", terminal.TerminalId, new { })))["LoggedSaleID"]);
        var login = await AskAsync(merchant, Message("Login", terminal.TerminalId, Login(training: false), saleId: "till-7"));
        AssertResult(login, "Success");
        Assert.Equal("OK", (string?)login["POISystemData"]!["POIStatus"]!["GlobalStatus"]);

        var diagnosis = await AskAsync(merchant, Message("Diagnosis", terminal.TerminalId, new { HostDiagnosisFlag = false }));
        AssertResult(diagnosis, "Success");
        Assert.Equal(["till-7"], diagnosis["LoggedSaleID"]!.AsArray().Select(s => (string?)s));
        Assert.Equal("OK", (string?)diagnosis["POIStatus"]!["GlobalStatus"]);

        AssertResult(await AskAsync(merchant, Message("Logout", terminal.TerminalId, new { MaintenanceAllowed = true }, saleId: "till-7")),
            "Success");
        Assert.Null((await AskAsync(merchant, Message("Diagnosis", terminal.TerminalId, new { }))) ["LoggedSaleID"]);

        // An offline terminal: Unreachable, and a payment fails at once with UnavailableDevice, creating nothing.
        await using var offline = await relay.NewTerminalAsync(merchant);
        await offline.Client.DisposeAsync();
        await Scenario.Eventually(async () =>
            !(bool)(await merchant.Http.GetAsync($"/api/v1/terminals/{offline.TerminalId}").Expect(200))["online"]!, "offline");
        var unreachable = await AskAsync(merchant, Message("Diagnosis", offline.TerminalId, new { }));
        Assert.Equal("Unreachable", (string?)unreachable["POIStatus"]!["GlobalStatus"]);
        AssertResult(await AskAsync(merchant, Message("Payment", offline.TerminalId, Payment(4m))), "Failure", "UnavailableDevice");
        var none = await merchant.Http.GetAsync($"/api/v1/transactions?terminalId={offline.TerminalId}").Expect(200);
        Assert.Empty(none["items"]!.AsArray());
    }

    [Fact]
    public async Task DisplayInputAndPrintAreTerminalActionsAndReconciliationIsASettlement()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);
        object Content(string text) => new { OutputFormat = "Text", OutputText = new[] { new { Text = text } } };

        var display = await AskAsync(merchant, Message("Display", terminal.TerminalId, new
        {
            DisplayOutput = new[]
            {
                new
                {
                    OutputContent = Content("Welcome to Joe's"), ResponseRequiredFlag = true, MinimumDisplayTime = 5, Device = "CustomerDisplay",
                    InfoQualify = "Display",
                },
            },
        }, messageClass: "Device"));
        Assert.Equal("Success", (string?)display["OutputResult"]![0]!["Response"]!["Result"]);
        Assert.Equal("CustomerDisplay", (string?)display["OutputResult"]![0]!["Device"]);

        var input = await AskAsync(merchant, Message("Input", terminal.TerminalId, new
        {
            DisplayOutput = new { Device = "CustomerDisplay", InfoQualify = "Display", OutputContent = Content("Join our club?") },
            InputData = new { Device = "CustomerInput", InfoQualify = "Input", InputCommand = "GetConfirmation", MaxInputTime = 30 },
        }, messageClass: "Device"));
        Assert.Equal("Success", (string?)input["InputResult"]!["Response"]!["Result"]);
        Assert.True((bool)input["InputResult"]!["Input"]!["ConfirmedFlag"]!);

        var print = await AskAsync(merchant, Message("Print", terminal.TerminalId, new
        {
            PrintOutput = new { DocumentQualifier = "Document", ResponseMode = "PrintEnd", OutputContent = Content("Voucher: 10% off") },
        }, messageClass: "Device"));
        AssertResult(print, "Success");
        Assert.Equal("Document", (string?)print["DocumentQualifier"]);
        Assert.Contains("Voucher: 10% off", terminal.Output.ToString());

        var actions = await merchant.Http.GetAsync($"/api/v1/terminals/{terminal.TerminalId}/actions").Expect(200);
        Assert.Equal(["print", "collect_inputs", "display"], actions["items"]!.AsArray().Select(a => (string?)a!["type"]));

        var reconciliationId = NewServiceId();
        var reconciliation = await AskAsync(merchant, Message("Reconciliation", terminal.TerminalId,
            new { ReconciliationType = "SaleReconciliation" }, reconciliationId));
        AssertResult(reconciliation, "Success");
        Assert.Equal("SaleReconciliation", (string?)reconciliation["ReconciliationType"]);
        var settlements = await merchant.Http.GetAsync($"/api/v1/transactions?terminalId={terminal.TerminalId}").Expect(200);
        Assert.Equal("settlement", (string?)settlements["items"]![0]!["type"]);
        // nexo repeats payments and reversals only.
        AssertResult(await AskAsync(merchant, Message("TransactionStatus", terminal.TerminalId,
            new { MessageReference = new { ServiceID = reconciliationId } })), "Failure", "NotAllowed");
    }

    [Fact]
    public async Task WhatBreaksTheRulesIsMessageFormatWhatCannotBeReadIsRejectedAndNothingIsEverAProblemOrA500()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);

        // Cannot be read: a Reject EventNotification carrying the message.
        foreach (var unreadable in new[]
        {
            "not json", "[]", "{}", """{"SaleToPOIRequest":{}}""",
            """{"SaleToPOIRequest":{"MessageHeader":{"MessageCategory":"Payment","POIID":"x","ServiceID":"1"},"PaymentRequest":{"PaymentTransaction":{"AmountsReq":{"Currency":"EUR","RequestedAmount":"12.50"}}}}}""",
            """{"SaleToPOIRequest":{"MessageHeader":{"MessageCategory":"Teleport","MessageClass":"Service","MessageType":"Request"}}}""",
        })
        {
            var (status, body) = await SendAsync(merchant, unreadable);
            Assert.True(status == HttpStatusCode.OK, $"{unreadable}: {(int)status} {body}");
            var notification = JsonNode.Parse(body)!["SaleToPOIRequest"]!;
            Assert.Equal("Event", (string?)notification["MessageHeader"]!["MessageCategory"]);
            Assert.Equal("Reject", (string?)notification["EventNotification"]!["EventToNotify"]);
            Assert.Equal(unreadable, Encoding.UTF8.GetString(Convert.FromBase64String((string)notification["EventNotification"]!["RejectedMessage"]!)));
        }

        // Parses, breaks the rules: the service's own response with MessageFormat, and nothing created.
        async Task Format(object message, string body = "PaymentResponse")
        {
            var response = await AskAsync(merchant, message, body);
            AssertResult(body == "DisplayResponse" ? response["OutputResult"]![0]! : response, "Failure", "MessageFormat");
        }
        await Format(Message("Payment", terminal.TerminalId, Payment(12.345m)));
        await Format(Message("Payment", terminal.TerminalId, Payment(12.5m, "JPY")));
        await Format(Message("Payment", terminal.TerminalId, Payment(-1m)));
        await Format(Message("Payment", terminal.TerminalId, Payment(5m, cashBack: 6m)));
        await Format(Message("Payment", terminal.TerminalId, Payment(5m, "eur")));
        await Format(Message("Payment", terminal.TerminalId, Payment(5m), serviceId: "12345678901"));
        await Format(Message("Payment", terminal.TerminalId, Payment(5m), serviceId: "12-3"));
        await Format(Message("Payment", terminal.TerminalId, Payment(5m), messageClass: "Device"));
        await Format(Message("Payment", terminal.TerminalId, new { }, bodyName: "DisplayRequest"));
        await Format(Message("Payment", terminal.TerminalId, new { PaymentTransaction = new { AmountsReq = new { Currency = "EUR" } } }));
        await Format(Message("Display", terminal.TerminalId, new { DisplayOutput = Array.Empty<object>() }, messageClass: "Device"), "DisplayResponse");
        var none = await merchant.Http.GetAsync($"/api/v1/transactions?terminalId={terminal.TerminalId}").Expect(200);
        Assert.Empty(none["items"]!.AsArray());

        // Services Relay does not offer, unknown and other accounts' terminals.
        var acquisition = await AskAsync(merchant, Message("CardAcquisition", terminal.TerminalId, new { SaleData = new { } }));
        AssertResult(acquisition, "Failure", "NotAllowed");
        AssertResult(await AskAsync(merchant, Message("Payment", terminal.TerminalId, Payment(5m, type: "Instalment"))), "Failure", "NotAllowed");
        AssertResult(await AskAsync(merchant, Message("Payment", Guid.NewGuid().ToString(), Payment(5m))), "Failure", "NotFound");
        AssertResult(await AskAsync(merchant, Message("Payment", "SN-nosuch", Payment(5m))), "Failure", "NotFound");
        var stranger = await relay.NewMerchantAsync();
        AssertResult(await AskAsync(stranger, Message("Payment", terminal.TerminalId, Payment(5m))), "Failure", "NotFound");

        // Credentials: X-API-Key or Bearer; without, a bare 401.
        var diagnosis = JsonSerializer.Serialize(Message("Diagnosis", terminal.TerminalId, new { }));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(merchant, diagnosis, bearer: true)).Status);
        var (refused, refusedBody) = await SendAsync(merchant, diagnosis, key: "wrong");
        Assert.Equal((HttpStatusCode.Unauthorized, ""), (refused, refusedBody));
    }

    [Fact]
    public async Task InputThatOnceReachedA503IsMessageFormatOrRejected()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);
        string Header(string category, string messageClass = "Service", string saleId = "till-1") => $$"""
            {"ProtocolVersion":"3.0","MessageClass":"{{messageClass}}","MessageCategory":"{{category}}","MessageType":"Request",
             "ServiceID":"{{NewServiceId()}}","SaleID":"{{saleId}}","POIID":"{{terminal.TerminalId}}"}
            """;
        string PaymentOf(string amount, string saleId = "till-1") => """
            {"SaleToPOIRequest":{"MessageHeader":@header@,"PaymentRequest":{
             "SaleData":{"SaleTransactionID":{"TransactionID":"order-1","TimeStamp":"2026-12-03T10:00:00Z"}},
             "PaymentTransaction":{"AmountsReq":{"Currency":"EUR","RequestedAmount":@amount@}}}}}
            """.Replace("@header@", Header("Payment", saleId: saleId)).Replace("@amount@", amount);
        async Task<JsonNode> Answered(string json, string body)
        {
            var (status, text) = await SendAsync(merchant, json);
            Assert.True(status == HttpStatusCode.OK, $"{json}: {(int)status} {text}");
            return JsonNode.Parse(text)!["SaleToPOIResponse"]?[body] ?? throw new InvalidOperationException($"{json}: no {body}: {text}");
        }
        async Task Rejected(byte[] json)
        {
            var (status, text) = await SendAsync(merchant, json);
            Assert.True(status == HttpStatusCode.OK, $"{Encoding.UTF8.GetString(json)}: {(int)status} {text}");
            Assert.Equal("Reject", (string?)JsonNode.Parse(text)!["SaleToPOIRequest"]!["EventNotification"]!["EventToNotify"]);
        }

        // Amounts beyond what Relay takes: the first overflowed the decimal multiply into minor units (a 503 before).
        foreach (var amount in new[] { "7922816251426433759354395033", "10000000000.00", "9223372036854775807" })
        {
            AssertResult(await Answered(PaymentOf(amount), "PaymentResponse"), "Failure", "MessageFormat");
        }

        // More significant digits (29, 30) or decimals (29) than a decimal keeps: it would round them (to 1, 12.5 and 0), so the
        // message is refused as unreadable, never rounded.
        string[] unreadable =
            ["1.0000000000000000000000000001", "12.5000000000000000000000000001", "0.00000000000000000000000000001", "1e-29", "1e400"];
        foreach (var amount in unreadable)
        {
            await Rejected(Encoding.UTF8.GetBytes(PaymentOf(amount)));
        }

        AssertResult(await Answered(PaymentOf("12.50000000000000000000000000000"), "PaymentResponse"), "Success"); // zeros are exact

        // A lone surrogate in the header's SaleID cannot be read either (and never reaches a write).
        await Rejected(Encoding.UTF8.GetBytes(PaymentOf("1.00", saleId: "\\ud800")));

        // Invalid UTF-8 in the header's strings: the message cannot be read, and its Reject leaves them out.
        byte[] broken = [.. "{\"SaleToPOIRequest\":{\"MessageHeader\":{\"ServiceID\":\"1\",\"SaleID\":\""u8, 0xC3, 0x28, .. "\"}}}"u8];
        await Rejected(broken);

        // Nulls where an element is expected.
        var display = await Answered("""
            {"SaleToPOIRequest":{"MessageHeader":@header@,"DisplayRequest":{"DisplayOutput":[null]}}}
            """.Replace("@header@", Header("Display", "Device")), "DisplayResponse");
        AssertResult(display["OutputResult"]![0]!, "Failure", "MessageFormat");
        var lines = await Answered("""
            {"SaleToPOIRequest":{"MessageHeader":@header@,"DisplayRequest":{"DisplayOutput":[
             {"Device":"CustomerDisplay","InfoQualify":"Display",
              "OutputContent":{"OutputFormat":"Text","OutputText":[null,{"Text":"Hi"}]}}]}}}
            """.Replace("@header@", Header("Display", "Device")), "DisplayResponse");
        AssertResult(lines["OutputResult"]![0]!, "Success");
        var print = await Answered("""
            {"SaleToPOIRequest":{"MessageHeader":@header@,"PrintRequest":{"PrintOutput":{
             "DocumentQualifier":"Document","ResponseMode":"PrintEnd","OutputContent":{"OutputFormat":"Text","OutputText":[null]}}}}}
            """.Replace("@header@", Header("Print", "Device")), "PrintResponse");
        AssertResult(print, "Failure", "MessageFormat"); // nothing to print

        // An InputResponse to no question the terminal asked is told so (one without Response: NexoWebhookTests).
        await Rejected(Encoding.UTF8.GetBytes("""
            {"SaleToPOIResponse":{"MessageHeader":{"ProtocolVersion":"3.0","MessageClass":"Device","MessageCategory":"Input",
             "MessageType":"Response","ServiceID":"ZZZZ","SaleID":"till-1","POIID":"@poi@"},
             "InputResponse":{"InputResult":{"Device":"CashierInput","InfoQualify":"Input"}}}}
            """.Replace("@poi@", terminal.TerminalId)));

        // The keys the facade makes of ServiceIDs are not a REST client's to take.
        var nexoKey = $"nexo:{Guid.Parse(terminal.TerminalId):N}:1";
        await merchant.Http.PostJson("/api/v1/transactions",
            new { registerId = "till-1", type = "purchase", amount = 100, currency = "EUR" }, nexoKey)
            .ExpectProblem(400, "validation-failed");
    }

    [Fact]
    public async Task AnInputResultWithoutInputsOrWithABooleanIsReadAsTheTerminalGaveIt()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        var results = new Queue<JsonObject>([
            new JsonObject { ["inputs"] = new JsonArray() },
            new JsonObject { ["inputs"] = new JsonObject() },
            new JsonObject { ["inputs"] = new JsonArray(new JsonObject { ["id"] = "input", ["value"] = true }) },
        ]);
        terminal.Client.StartActionReceived += async action =>
        {
            await terminal.Client.ActionReceivedAsync(action.Id);
            await terminal.Client.CompleteActionAsync(Relay.Terminal.ActionCompletion.Succeeded(action.Id, results.Dequeue()));
        };
        var ask = new
        {
            DisplayOutput = new { Device = "CustomerDisplay", InfoQualify = "Display",
                OutputContent = new { OutputFormat = "Text", OutputText = new[] { new { Text = "Receipt by mail?" } } } },
            InputData = new { Device = "CustomerInput", InfoQualify = "Input", InputCommand = "GetConfirmation", MaxInputTime = 30 },
        };

        foreach (var expected in new[] { false, false, true })
        {
            var input = await AskAsync(merchant, Message("Input", terminal.TerminalId, ask, messageClass: "Device"));
            Assert.Equal("Success", (string?)input["InputResult"]!["Response"]!["Result"]);
            Assert.Equal(expected, (bool)input["InputResult"]!["Input"]!["ConfirmedFlag"]!);
        }
    }

    [Fact]
    public async Task TransactionStatusAndAbortStillFindAPaymentOfARemovedTerminalAndTheResponseEchoesThePosTimeStamp()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);
        var serviceId = NewServiceId();
        var paid = await AskAsync(merchant, Message("Payment", terminal.TerminalId, Payment(6m), serviceId));
        AssertResult(paid, "Success");
        Assert.Equal(DateTimeOffset.Parse("2026-12-02T10:00:00Z"),
            DateTimeOffset.Parse((string)paid["SaleData"]!["SaleTransactionID"]!["TimeStamp"]!));

        await merchant.Http.DeleteAsync($"/api/v1/terminals/{terminal.TerminalId}").Expect(204);
        var status = await AskAsync(merchant, Message("TransactionStatus", terminal.TerminalId,
            new { MessageReference = new { MessageCategory = "Payment", ServiceID = serviceId } }));
        AssertResult(status, "Success");
        Assert.Equal(Poi(paid), (string?)status["RepeatedMessageResponse"]!["RepeatedResponseMessageBody"]!["PaymentResponse"]!["POIData"]!
            ["POITransactionID"]!["TransactionID"]);
        // The payment's message again (its answer was lost, say) replays it; a new payment on the removed terminal: NotFound.
        var again = await AskAsync(merchant, Message("Payment", terminal.TerminalId, Payment(6m), serviceId));
        Assert.Equal(("Success", Poi(paid)), ((string?)again["Response"]!["Result"], Poi(again)));
        AssertResult(await AskAsync(merchant, Message("Payment", terminal.TerminalId, Payment(1m))), "Failure", "NotFound");
    }

    [Fact]
    public async Task ASerialNamesTheNewTerminalForNewPaymentsButARetryOrStatusFindsThePaymentOnTheOldOne()
    {
        var merchant = await relay.NewMerchantAsync();
        var serial = "SN-" + Guid.NewGuid().ToString("N")[..8];
        async Task<TestTerminal> WithSerialAsync()
        {
            var activation = await TerminalActivation.ActivateAsync(relay.Factory.CreateClient(), relay.Factory.Server.BaseAddress,
                await merchant.NewActivationCodeAsync(), serial);
            var terminal = await relay.ConnectAsync(activation.TerminalId, activation.DeviceToken);
            await merchant.Http.UntilOnlineAsync(terminal.TerminalId);
            return terminal;
        }

        var serviceId = NewServiceId();
        string old;
        await using (var first = await WithSerialAsync())
        {
            var paid = await AskAsync(merchant, Message("Payment", serial, Payment(9m), serviceId));
            AssertResult(paid, "Success");
            old = Poi(paid);
            await merchant.Http.DeleteAsync($"/api/v1/terminals/{first.TerminalId}").Expect(204);
        }

        await using var second = await WithSerialAsync();
        var retry = await AskAsync(merchant, Message("Payment", serial, Payment(9m), serviceId));
        Assert.Equal(("Success", old), ((string?)retry["Response"]!["Result"], Poi(retry)));
        var status = await AskAsync(merchant, Message("TransactionStatus", serial,
            new { MessageReference = new { MessageCategory = "Payment", ServiceID = serviceId } }));
        Assert.Equal(old, (string?)status["RepeatedMessageResponse"]!["RepeatedResponseMessageBody"]!["PaymentResponse"]!["POIData"]!
            ["POITransactionID"]!["TransactionID"]);
        var onSecond = await merchant.Http.GetAsync($"/api/v1/transactions?terminalId={second.TerminalId}").Expect(200);
        Assert.Empty(onSecond["items"]!.AsArray());

        var fresh = await AskAsync(merchant, Message("Payment", serial, Payment(2m)));
        Assert.Equal(second.TerminalId, (await merchant.GetTransactionAsync(Poi(fresh))).Str("terminalId"));
    }
}

/// <summary>A sync message whose terminal does not finish within the sync wait (here 3 s, 150 s by default).</summary>
public sealed class NexoSyncWaitTests(NexoSyncWaitTests.Fixture relay) : IClassFixture<NexoSyncWaitTests.Fixture>
{
    public sealed class Fixture() : RelayFixture(new Dictionary<string, string> { ["Relay:Nexo:SyncWait"] = "00:00:03" });

    [Fact]
    public async Task ASyncPaymentStillOpenWhenTheWaitEndsGets504WithRetryAfterAndTransactionStatusThenSaysInProgress()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);
        using var http = relay.Factory.CreateClient();
        async Task<HttpResponseMessage> Send(object message)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/nexo/sync")
                { Content = new StringContent(JsonSerializer.Serialize(message), Encoding.UTF8, "application/json") };
            request.Headers.Add("X-API-Key", merchant.ApiKey);
            return await http.SendAsync(request);
        }

        var serviceId = NewServiceId();
        using var held = await Send(Message("Payment", terminal.TerminalId, Payment(10.53m), serviceId)); // the simulator holds 53
        Assert.Equal(HttpStatusCode.GatewayTimeout, held.StatusCode);
        Assert.NotNull(held.Headers.RetryAfter);
        Assert.Equal("", await held.Content.ReadAsStringAsync());

        using var status = await Send(Message("TransactionStatus", terminal.TerminalId,
            new { MessageReference = new { MessageCategory = "Payment", ServiceID = serviceId } }));
        var body = JsonNode.Parse(await status.Content.ReadAsStringAsync())!["SaleToPOIResponse"]!["TransactionStatusResponse"]!;
        Assert.Equal(("Failure", "InProgress"), ((string?)body["Response"]!["Result"], (string?)body["Response"]!["ErrorCondition"]));

        // The same message again is the same payment, still held: 504 again, and one transaction.
        using var again = await Send(Message("Payment", terminal.TerminalId, Payment(10.53m), serviceId));
        Assert.Equal(HttpStatusCode.GatewayTimeout, again.StatusCode);
        var list = await merchant.Http.GetAsync($"/api/v1/transactions?terminalId={terminal.TerminalId}").Expect(200);
        Assert.Equal(["in_progress"], list["items"]!.AsArray().Select(t => (string?)t!["status"]));
        using var abort = await Send(Message("Abort", terminal.TerminalId,
            new { MessageReference = new { MessageCategory = "Payment", ServiceID = serviceId }, AbortReason = "MerchantAbort" }));
        Assert.Equal(HttpStatusCode.OK, abort.StatusCode);
    }
}
