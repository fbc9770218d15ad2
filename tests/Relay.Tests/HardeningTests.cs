using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <summary>The findings of a fuzzer and of malformed hub calls, each a test that failed before its fix.</summary>
public sealed class HardeningTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    [Theory]
    [InlineData("text/event-stream")]
    [InlineData("text/html")]
    [InlineData("application/xml")]
    public async Task WrongKeyIsA401ProblemWhateverTheClientAccepts(string accept)
    {
        foreach (var path in new[] { "/api/v1/events", "/api/v1/terminals", "/api/v1/transactions" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "rk_deleted-or-wrong");
            request.Headers.Accept.ParseAdd(accept);

            await relay.Factory.CreateClient().SendAsync(request).ExpectProblem(401, "unauthenticated");
        }
    }

    [Fact]
    public async Task ValidationErrorOfTheEventStreamKeepsItsBodyForEventSourceClients()
    {
        var merchant = await relay.NewMerchantAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events?terminalId=not-a-guid");
        request.Headers.Accept.ParseAdd("text/event-stream");

        await merchant.Http.SendAsync(request).ExpectValidationFailed("terminalId");
    }

    [Fact]
    public async Task UnknownPathAskedForAsHtmlIsA404Problem()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/no/such/page");
        request.Headers.Accept.ParseAdd("text/html");

        await relay.Factory.CreateClient().SendAsync(request).ExpectProblem(404, "not-found");
    }

    [Theory]
    [InlineData("/api/v1/transactions")]
    [InlineData("/api/v1/terminals")]
    [InlineData("/api/v1/pairings")]
    [InlineData("/api/v1/webhook-endpoints")]
    [InlineData("/api/v1/terminal-activations")]
    public async Task BodyInAnUnknownCharsetIsUnsupportedMediaType(string path)
    {
        var merchant = await relay.NewMerchantAsync();
        var content = new ByteArrayContent(
            Encoding.UTF8.GetBytes("""{"registerId":"till-1","type":"purchase","amount":100,"currency":"NZD"}"""));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=nope");
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());

        await merchant.Http.SendAsync(request).ExpectProblem(415, "unsupported-media-type");
    }

    [Fact]
    public async Task EmptyOriginalTransactionIdIsAValidationError()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");

        await merchant.Http.PostJson("/api/v1/transactions",
                new { registerId = "till-1", type = "purchase", amount = 100, currency = "NZD", originalTransactionId = "" },
                Guid.NewGuid().ToString())
            .ExpectValidationFailed("originalTransactionId");
    }

    [Fact]
    public async Task ResultWithANulIsRefusedAndTheTerminalCanThenFinishThePayment()
    {
        var (hub, id) = await StartedPaymentAsync();
        await using var _ = hub;

        foreach (var bad in new JsonObject[]
                 {
                     new() { ["transactionId"] = id, ["outcome"] = "approved", ["responseText"] = "APPROVED\u0000" },
                     new() { ["transactionId"] = id, ["outcome"] = "approved", ["customerReceipt"] = "PAID\n\u0000" },
                 })
        {
            var refused = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<JsonObject>("CompleteTransaction", bad));
            Assert.Contains("control characters", refused.Message);
        }

        var ack = await hub.InvokeAsync<JsonObject>("CompleteTransaction",
            new JsonObject { ["transactionId"] = id, ["outcome"] = "approved", ["responseText"] = "APPROVED",
                ["customerReceipt"] = "PAID\n\tThank you" });

        Assert.True((bool)ack["accepted"]!);
        Assert.Equal("approved", (string?)ack["status"]);
    }

    [Fact]
    public async Task StatementThatFailsWhileBindingLeavesItsConnectionSoundForTheNext()
    {
        // Npgsql prepares a statement automatically on its fifth use on a connection; failing at bind in that very round trip
        // (text PostgreSQL refuses, such as a NUL in jsonb) broke the next use there, which ran and then threw. The relay's
        // own data source is the one under test: whatever its settings, one failed statement must not touch the next.
        var source = relay.Factory.Services.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await source.OpenConnectionAsync();
        for (var use = 1; use <= 8; use++)
        {
            await using var command = new NpgsqlCommand("SELECT CAST($1 AS jsonb) ->> 'a'", connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = use == 5 ? """{"a":"x\u0000"}""" : $$"""{"a":"{{use}}"}""" });
            if (use == 5)
            {
                var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteScalarAsync());
                Assert.Equal("22P05", refused.SqlState);
            }
            else
            {
                Assert.Equal(use.ToString(), await command.ExecuteScalarAsync());
            }
        }
    }

    [Fact]
    public async Task RelaySizesItsConnectionPoolForSeveralInstances()
    {
        var source = relay.Factory.Services.GetRequiredService<NpgsqlDataSource>();
        var settings = new NpgsqlConnectionStringBuilder(source.ConnectionString);

        Assert.Equal(Relay.Api.Data.DatabaseSetup.DefaultMaxPoolSize, settings.MaxPoolSize);
        Assert.True(2 * settings.MaxPoolSize + 10 <= 100, "two instances fit PostgreSQL's default max_connections");
        Assert.Equal(0, settings.MaxAutoPrepare);
    }

    [Fact]
    public async Task NullOrMalformedHubArgumentsAreRefusedClearly()
    {
        var (hub, id) = await StartedPaymentAsync();
        await using var _ = hub;

        Assert.Contains("result is required", (await Assert.ThrowsAsync<HubException>(() =>
            hub.InvokeAsync<JsonObject>("CompleteTransaction", (object?)null))).Message);
        Assert.Contains("transactionId", (await Assert.ThrowsAsync<HubException>(() =>
            hub.InvokeAsync<JsonObject>("TransactionReceived", (object?)null))).Message);
        Assert.Contains("transactionId", (await Assert.ThrowsAsync<HubException>(() =>
            hub.InvokeAsync<JsonObject>("TransactionStarted", "not-an-id"))).Message);
        Assert.Contains("outcome", (await Assert.ThrowsAsync<HubException>(() =>
            hub.InvokeAsync<JsonObject>("CompleteTransaction", new JsonObject { ["transactionId"] = id }))).Message);

        Assert.Equal(HubConnectionState.Connected, hub.State);
        Assert.Equal("in_progress", (await hub.InvokeAsync<JsonObject>("TransactionStarted", id))["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("amountAuthorised")]
    [InlineData("surchargeAmount")]
    [InlineData("tipAmount")]
    public async Task NegativeAmountInAResultIsRefused(string field)
    {
        var (hub, id) = await StartedPaymentAsync();
        await using var _ = hub;

        var refused = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<JsonObject>("CompleteTransaction",
            new JsonObject { ["transactionId"] = id, ["outcome"] = "approved", [field] = -100 }));

        Assert.Contains(field, refused.Message);
    }

    [Fact]
    public async Task ResultThatAuthorisedMoreThanThePaymentAllowsIsRefusedAndLeavesItOpen()
    {
        var (hub, id) = await StartedPaymentAsync(amount: 1000);
        await using var _ = hub;

        var ack = await hub.InvokeAsync<JsonObject>("CompleteTransaction",
            new JsonObject { ["transactionId"] = id, ["outcome"] = "approved", ["amountAuthorised"] = 1001 });
        Assert.False((bool)ack["accepted"]!);
        Assert.Equal("in_progress", (string?)ack["status"]);

        // With the tip chosen on the terminal and its surcharge, the same amount is within what was allowed.
        var within = await hub.InvokeAsync<JsonObject>("CompleteTransaction",
            new JsonObject { ["transactionId"] = id, ["outcome"] = "approved", ["amountAuthorised"] = 1250, ["tipAmount"] = 200,
                ["surchargeAmount"] = 50 });
        Assert.True((bool)within["accepted"]!);
        Assert.Equal("approved", (string?)within["status"]);
    }

    [Fact]
    public async Task FirstStartOnANewDatabaseLogsNoError()
    {
        var recorder = new LogRecorder();
        var database = new TestDatabase();
        List<(string Category, LogLevel Level, string Message, Exception? Exception, string? TraceId)> startUp;
        try
        {
            await using var factory = new RelayFactory(database.ConnectionString, TimeProvider.System)
                .WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(recorder)));
            Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().GetAsync("/health/ready")).StatusCode);
            startUp = [.. recorder.Events];
        }
        finally
        {
            await database.DropAsync();
        }

        Assert.Contains(startUp, e => e.Message.StartsWith("Database ready", StringComparison.Ordinal));
        Assert.True(!startUp.Any(e => e.Level >= LogLevel.Error),
            string.Join("\n", startUp.Where(e => e.Level >= LogLevel.Error).Select(e => e.Message)));
    }

    /// <summary>A payment on a terminal connected through the official SignalR client alone, received and started.</summary>
    private async Task<(HubConnection Hub, string TransactionId)> StartedPaymentAsync(long amount = 1250)
    {
        var merchant = await relay.NewMerchantAsync();
        var (hub, _) = await relay.ConnectNewAsync(merchant);
        await hub.PairAsync(merchant, "till-1");
        var id = (await merchant.PurchaseAsync("till-1", amount).Expect(201)).Str("id");
        Assert.True((bool)(await hub.InvokeAsync<JsonObject>("TransactionReceived", id))["proceed"]!);
        Assert.Equal("in_progress", (string?)(await hub.InvokeAsync<JsonObject>("TransactionStarted", id))["status"]);
        return (hub, id);
    }
}
