using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Relay.Terminal;
using Relay.Tests.Infrastructure;
using static Relay.Tests.Infrastructure.NexoMessage;

namespace Relay.Tests;

/// <summary>/nexo/async and webhook endpoints of format nexo: the response of an async message as a signed delivery, and the
/// terminal's display, print and input requests forwarded to the sale system that logged in asking for them.</summary>
public sealed class NexoWebhookTests(WebhookTests.Fixture relay) : IClassFixture<WebhookTests.Fixture>, IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private async Task<(HttpStatusCode Status, string? MediaType, string Body)> SendAsync(
        Merchant merchant, object message, string route = "async")
    {
        using var http = relay.Factory.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/nexo/" + route)
        {
            Content = new StringContent(JsonSerializer.Serialize(message), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-API-Key", merchant.ApiKey);
        var response = await http.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonNode> NexoEndpointAsync(Merchant merchant, string path) =>
        await merchant.Http.PostJson("/api/v1/webhook-endpoints", new { url = _receiver.BaseUrl + path, format = "nexo" }).Expect(201);

    private async Task<JsonNode> ReceivedAsync(string path, int count, JsonNode endpoint)
    {
        await Scenario.Eventually(() => Task.FromResult(_receiver.At(path).Count >= count), $"{count} deliveries reached {path}");
        var hook = _receiver.At(path)[count - 1];
        Assert.True(StandardWebhooks.Verify(endpoint.Str("secret"), hook, DateTimeOffset.UtcNow), $"signature does not verify: {hook}");
        return JsonNode.Parse(hook.Body)!;
    }

    [Fact]
    public async Task AnAsyncPaymentIsAnsweredOkAndItsResponseIsDeliveredSignedToNexoEndpointsOnly()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);
        var nexo = await NexoEndpointAsync(merchant, "/nexo");
        Assert.Equal("nexo", nexo.Str("format"));
        var events = await merchant.Http.PostJson("/api/v1/webhook-endpoints", new { url = _receiver.BaseUrl + "/events" }).Expect(201);
        Assert.Equal("relay", events.Str("format"));
        await merchant.Http.PostJson("/api/v1/webhook-endpoints", new { url = _receiver.BaseUrl + "/x", format = "xml" })
            .ExpectProblem(400, "validation-failed");

        var serviceId = NewServiceId();
        var accepted = await SendAsync(merchant, Message("Payment", terminal.TerminalId, Payment(12.50m, reference: "order-9"), serviceId));
        Assert.Equal((HttpStatusCode.OK, "text/plain", "ok"), accepted);

        var delivered = (await ReceivedAsync("/nexo", 1, nexo))["SaleToPOIResponse"]!;
        Assert.Equal(("Payment", "Response", serviceId, terminal.TerminalId), ((string?)delivered["MessageHeader"]!["MessageCategory"],
            (string?)delivered["MessageHeader"]!["MessageType"], (string?)delivered["MessageHeader"]!["ServiceID"],
            (string?)delivered["MessageHeader"]!["POIID"]));
        var payment = delivered["PaymentResponse"]!;
        Assert.Equal("Success", (string?)payment["Response"]!["Result"]);
        Assert.Equal(12.50m, (decimal)payment["PaymentResult"]!["AmountsResp"]!["AuthorizedAmount"]!);
        Assert.Equal("order-9", (string?)payment["SaleData"]!["SaleTransactionID"]!["TransactionID"]);
        var id = (string)payment["POIData"]!["POITransactionID"]!["TransactionID"]!;
        Assert.Equal("approved", (await merchant.GetTransactionAsync(id)).Str("status"));

        // The relay endpoint had every update; the nexo one the one response, which the same message sent again answers.
        await Scenario.Eventually(() => Task.FromResult(_receiver.At("/events").Count >= 4), "the relay endpoint had the updates");
        Assert.Single(_receiver.At("/nexo"));
        var again = await SendAsync(merchant, Message("Payment", terminal.TerminalId, Payment(12.50m, reference: "order-9"), serviceId));
        Assert.Equal((HttpStatusCode.OK, "application/json"), (again.Status, again.MediaType));
        Assert.True(JsonNode.DeepEquals(delivered["PaymentResponse"], JsonNode.Parse(again.Body)!["SaleToPOIResponse"]!["PaymentResponse"]));

        // Refused at once: answered in the HTTP response, nothing delivered.
        var refused = await SendAsync(merchant, Message("Payment", terminal.TerminalId, Payment(12.345m)));
        Assert.Equal("MessageFormat",
            (string?)JsonNode.Parse(refused.Body)!["SaleToPOIResponse"]!["PaymentResponse"]!["Response"]!["ErrorCondition"]);
        var status = await SendAsync(merchant, Message("TransactionStatus", terminal.TerminalId,
            new { MessageReference = new { MessageCategory = "Payment", ServiceID = serviceId } }));
        Assert.Equal("Success",
            (string?)JsonNode.Parse(status.Body)!["SaleToPOIResponse"]!["TransactionStatusResponse"]!["Response"]!["Result"]);

        // A Device request async: its response too.
        var display = await SendAsync(merchant, Message("Display", terminal.TerminalId, new
        {
            DisplayOutput = new[] { new { Device = "CustomerDisplay", InfoQualify = "Display",
                OutputContent = new { OutputFormat = "Text", OutputText = new[] { new { Text = "Hello" } } } } },
        }, messageClass: "Device"));
        Assert.Equal("ok", display.Body);
        var shown = (await ReceivedAsync("/nexo", 2, nexo))["SaleToPOIResponse"]!;
        Assert.Equal("Success", (string?)shown["DisplayResponse"]!["OutputResult"]![0]!["Response"]!["Result"]);
        var deliveries = await merchant.Http.GetAsync($"/api/v1/webhook-endpoints/{nexo.Str("id")}/deliveries").Expect(200);
        Assert.Equal(["terminal_action.updated", "transaction.updated"],
            deliveries["items"]!.AsArray().Select(d => (string?)d!["eventType"]));
    }

    [Fact]
    public async Task AServiceIdRefusedBusyThenSentWithAnotherPaymentDeliversThatPaymentsResponse()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);
        var nexo = await NexoEndpointAsync(merchant, "/busy");

        var heldServiceId = NewServiceId();
        var held = SendAsync(merchant, Message("Payment", terminal.TerminalId, Payment(10.53m), heldServiceId), "sync");
        await Scenario.Eventually(async () =>
        {
            var list = await merchant.Http.GetAsync($"/api/v1/transactions?terminalId={terminal.TerminalId}").Expect(200);
            return list["items"]!.AsArray() is [var only] && (string?)only!["status"] == "in_progress";
        }, "the held payment started");

        // Refused while the terminal is busy (kept, as every async message is before it creates anything) …
        var serviceId = NewServiceId();
        var busy = await SendAsync(merchant, Message("Payment", terminal.TerminalId, Payment(5m), serviceId));
        Assert.Equal("Busy", (string?)JsonNode.Parse(busy.Body)!["SaleToPOIResponse"]!["PaymentResponse"]!["Response"]!["ErrorCondition"]);
        await SendAsync(merchant, Message("Abort", terminal.TerminalId,
            new { MessageReference = new { MessageCategory = "Payment", ServiceID = heldServiceId }, AbortReason = "MerchantAbort" }),
            "sync");
        Assert.Contains("Aborted", (await held).Body);

        // … then the POS sends another payment with that ServiceID: its own response is delivered, not a replay of the first.
        var accepted = await SendAsync(merchant, Message("Payment", terminal.TerminalId, Payment(7m, reference: "order-7"), serviceId));
        Assert.Equal((HttpStatusCode.OK, "ok"), (accepted.Status, accepted.Body));
        var payment = (await ReceivedAsync("/busy", 1, nexo))["SaleToPOIResponse"]!["PaymentResponse"]!;
        Assert.Equal("Success", (string?)payment["Response"]!["Result"]);
        Assert.Equal(7m, (decimal)payment["PaymentResult"]!["AmountsResp"]!["AuthorizedAmount"]!);
        Assert.Equal("order-7", (string?)payment["SaleData"]!["SaleTransactionID"]!["TransactionID"]);

        // The first message sent again now meets a ServiceID used for another payment: MessageFormat, and nothing more delivered.
        var reused = await SendAsync(merchant, Message("Payment", terminal.TerminalId, Payment(5m), serviceId));
        Assert.Equal("MessageFormat",
            (string?)JsonNode.Parse(reused.Body)!["SaleToPOIResponse"]!["PaymentResponse"]!["Response"]!["ErrorCondition"]);
    }

    [Fact]
    public async Task TheTerminalsDisplayPrintAndInputGoToTheSaleSystemThatLoggedInAskingForThem()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);
        var nexo = await NexoEndpointAsync(merchant, "/pos");
        // Logged in by the terminal's serial number: the terminal's requests name it so.
        var serial = (await merchant.Http.GetAsync($"/api/v1/terminals/{terminal.TerminalId}").Expect(200)).Str("serialNumber");
        var login = await SendAsync(merchant, Message("Login", serial, new
        {
            DateTime = "2026-12-03T10:00:00Z",
            SaleSoftware = new { ManufacturerID = "Acme", ApplicationName = "AcmePOS", SoftwareVersion = "4.2", CertificationCode = "x" },
            SaleTerminalData = new { SaleCapabilities = new[] { "CashierDisplay", "PrinterReceipt", "CashierInput", "CashierStatus" } },
        }, saleId: "till-4"), "sync");
        Assert.Equal("Success", (string?)JsonNode.Parse(login.Body)!["SaleToPOIResponse"]!["LoginResponse"]!["Response"]!["Result"]);

        await terminal.Client.DisplayAsync(null, "Present card");
        var display = (await ReceivedAsync("/pos", 1, nexo))["SaleToPOIRequest"]!;
        Assert.Equal(("Device", "Display", "Request", "till-4", serial), ((string?)display["MessageHeader"]!["MessageClass"],
            (string?)display["MessageHeader"]!["MessageCategory"], (string?)display["MessageHeader"]!["MessageType"],
            (string?)display["MessageHeader"]!["SaleID"], (string?)display["MessageHeader"]!["POIID"]));
        Assert.Equal("Present card",
            (string?)display["DisplayRequest"]!["DisplayOutput"]![0]!["OutputContent"]!["OutputText"]![0]!["Text"]);

        await terminal.Client.PrintAsync(null, ReceiptKind.Customer, "THANK YOU\nTOTAL 12.50");
        var print = (await ReceivedAsync("/pos", 2, nexo))["SaleToPOIRequest"]!["PrintRequest"]!["PrintOutput"]!;
        Assert.Equal("CustomerReceipt", (string?)print["DocumentQualifier"]);
        Assert.Equal(["THANK YOU", "TOTAL 12.50"], print["OutputContent"]!["OutputText"]!.AsArray().Select(t => (string?)t!["Text"]));

        // An input the terminal asks during a payment; the sale system answers it in nexo, as an InputResponse.
        var heldServiceId = NewServiceId();
        var held = SendAsync(merchant, Message("Payment", terminal.TerminalId, Payment(10.53m), heldServiceId), "sync");
        var transactionId = "";
        await Scenario.Eventually(async () =>
        {
            var list = await merchant.Http.GetAsync($"/api/v1/transactions?terminalId={terminal.TerminalId}").Expect(200);
            transactionId = list["items"]!.AsArray() is [var only] && (string?)only!["status"] == "in_progress" ? only.Str("id") : "";
            return transactionId != "";
        }, "the held payment started");
        // The terminal's answers, by question; the InputRequest the sale system got for a prompt, and the header it answers with.
        var answers = new ConcurrentDictionary<string, TaskCompletionSource<InputResponse>>();
        TaskCompletionSource<InputResponse> AnswerTo(string requestId) => answers.GetOrAdd(requestId, _ => new());
        terminal.Client.InputResponseReceived += r => { AnswerTo(r.RequestId).TrySetResult(r); return Task.CompletedTask; };
        async Task<(JsonNode Request, JsonObject Header)> ForwardedAsync(string prompt)
        {
            // (The simulator shows what it does meanwhile: those displays are forwarded too.)
            JsonNode? request = null;
            await Scenario.Eventually(() => Task.FromResult((request = _receiver.At("/pos").Select(h => JsonNode.Parse(h.Body)!["SaleToPOIRequest"]!)
                .FirstOrDefault(r => (string?)r["InputRequest"]?["DisplayOutput"]?["OutputContent"]?["OutputText"]?[0]?["Text"] == prompt))
                is not null), $"the InputRequest '{prompt}' reached the sale system");
            var response = request!["MessageHeader"]!.DeepClone().AsObject();
            response["MessageType"] = "Response";
            return (request, response);
        }

        var answered = AnswerTo("signature");
        await terminal.Client.RequestInputAsync(transactionId, new InputRequest("signature", InputKind.Confirm, "Signature OK?", 60));
        var (input, header) = await ForwardedAsync("Signature OK?");
        Assert.Equal("GetConfirmation", (string?)input["InputRequest"]!["InputData"]!["InputCommand"]);
        Assert.Equal("Signature OK?", (string?)input["InputRequest"]!["DisplayOutput"]!["OutputContent"]!["OutputText"]![0]!["Text"]);
        // An InputResult without its Response gives no answer (the terminal goes on waiting): 200, empty.
        var unanswered = await SendAsync(merchant, new JsonObject
        {
            ["SaleToPOIResponse"] = new JsonObject
            {
                ["MessageHeader"] = header.DeepClone(),
                ["InputResponse"] = new JsonObject
                {
                    ["InputResult"] = new JsonObject { ["Device"] = "CashierInput", ["InfoQualify"] = "Input" },
                },
            },
        }, "sync");
        Assert.Equal((HttpStatusCode.OK, ""), (unanswered.Status, unanswered.Body));
        Assert.False(answered.Task.IsCompleted);
        // With every member of the InputResponse in Adyen's published fixtures (adyen-java-api-library, mocks/terminal-api),
        // MenuEntryNumber as an array as there (Adyen's Node models say a number; Relay reads neither).
        JsonObject Answer(JsonNode header, JsonObject input) => new()
        {
            ["SaleToPOIResponse"] = new JsonObject
            {
                ["InputResponse"] = new JsonObject
                {
                    ["InputResult"] = new JsonObject
                    {
                        ["Device"] = "CashierInput", ["InfoQualify"] = "Input",
                        ["Response"] = new JsonObject { ["Result"] = "Success", ["AdditionalResponse"] = "responseData=%7b%20%20%7d" },
                        ["Input"] = input,
                    },
                    ["OutputResult"] = new JsonObject
                    {
                        ["Device"] = "CashierDisplay", ["InfoQualify"] = "Display", ["Response"] = new JsonObject { ["Result"] = "Success" },
                    },
                },
                ["MessageHeader"] = header,
            },
        };
        var answer = await SendAsync(merchant, Answer(header, new JsonObject
        {
            ["MenuEntryNumber"] = new JsonArray(0, 1), ["InputCommand"] = "GetConfirmation", ["ConfirmedFlag"] = true,
        }), "sync");
        Assert.Equal((HttpStatusCode.OK, ""), (answer.Status, answer.Body));
        Assert.Equal(new InputResponse(transactionId, "signature", "yes"),
            await answered.Task.WaitAsync(TimeSpan.FromSeconds(Scenario.Patience)));

        // Adyen's newer models type DigitInput as a number: read as the digits given.
        await terminal.Client.RequestInputAsync(transactionId, new InputRequest("table", InputKind.Text, "Table number?", 60));
        var (_, textHeader) = await ForwardedAsync("Table number?");
        var digits = await SendAsync(merchant, Answer(textHeader, new JsonObject { ["InputCommand"] = "TextString", ["DigitInput"] = 12 }), "sync");
        Assert.Equal((HttpStatusCode.OK, ""), (digits.Status, digits.Body));
        Assert.Equal(new InputResponse(transactionId, "table", "12"),
            await AnswerTo("table").Task.WaitAsync(TimeSpan.FromSeconds(Scenario.Patience)));
        await SendAsync(merchant, Message("Abort", terminal.TerminalId,
            new { MessageReference = new { MessageCategory = "Payment", ServiceID = heldServiceId }, AbortReason = "MerchantAbort" }), "sync");
        Assert.Contains("Aborted", (await held).Body);

        // Logged out: nothing more is forwarded (the relay endpoint, created now, sees the display; the nexo one does not).
        await SendAsync(merchant, Message("Logout", terminal.TerminalId, new { MaintenanceAllowed = false }, saleId: "till-4"), "sync");
        var before = (await merchant.Http.GetAsync($"/api/v1/webhook-endpoints/{nexo.Str("id")}/deliveries?limit=200").Expect(200))["items"]!
            .AsArray().Count;
        var events = await merchant.Http.PostJson("/api/v1/webhook-endpoints",
            new { url = _receiver.BaseUrl + "/events", events = new[] { "terminal.display" } }).Expect(201);
        await terminal.Client.DisplayAsync(null, "Goodbye");
        await Scenario.Eventually(() => Task.FromResult(_receiver.At("/events").Count >= 1), "the relay endpoint had the display");
        var deliveries = await merchant.Http.GetAsync($"/api/v1/webhook-endpoints/{nexo.Str("id")}/deliveries?limit=200").Expect(200);
        Assert.Equal(before, deliveries["items"]!.AsArray().Count);
        Assert.Equal("relay", events.Str("format"));
    }
}
