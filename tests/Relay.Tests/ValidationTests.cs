using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

public sealed class ValidationTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    private const string Transactions = "/api/v1/transactions";

    // Bodies in single quotes for readability; the register is never paired, so a body that slipped through would answer 404, not 400.
    [Theory]
    [InlineData("{", "body")]
    [InlineData("", "body")]
    [InlineData("[]", "body")]
    [InlineData("[{'registerId':'till-1','type':'purchase','amount':100,'currency':'NZD'}]", "body")]
    [InlineData("null", "body")]
    [InlineData("{'registerId':'till-1','type':'purchase','amount':-5,'currency':'NZD'}", "amount")]
    [InlineData("{'registerId':'till-1','type':'purchase','amount':0,'currency':'NZD'}", "amount")]
    [InlineData("{'registerId':'till-1','type':'purchase','currency':'NZD'}", "amount")]
    [InlineData("{'registerId':'till-1','type':'refund','currency':'NZD'}", "amount")]
    [InlineData("{'registerId':'till-1','type':'purchase','amount':1000000000000,'currency':'NZD'}", "amount")]
    [InlineData("{'registerId':'till-1','type':'settlement','amount':100,'currency':'NZD'}", "amount")]
    [InlineData("{'registerId':'till-1','type':'logon','amount':100,'currency':'NZD'}", "amount")]
    [InlineData("{'registerId':'till-1','type':'purchase','amount':'12','currency':'NZD'}", "amount")]
    [InlineData("{'registerId':'till-1','type':'purchase','amount':12.5,'currency':'NZD'}", "amount")]
    [InlineData("{'registerId':'till-1','type':'purchase','amount':99999999999999999999,'currency':'NZD'}", "amount")]
    [InlineData("{'registerId':'till-1','type':'purchase','amount':100,'currency':'XXX'}", "currency")]
    [InlineData("{'registerId':'till-1','type':'purchase','amount':100,'currency':'nzd'}", "currency")]
    [InlineData("{'registerId':'till-1','type':'purchase','amount':100}", "currency")]
    [InlineData("{'registerId':'till-1','type':'bogus','amount':100,'currency':'NZD'}", "type")]
    [InlineData("{'registerId':'till-1','amount':100,'currency':'NZD'}", "type")]
    [InlineData("{'type':'purchase','amount':100,'currency':'NZD'}", "registerId")]
    [InlineData("{'registerId':'  ','type':'purchase','amount':100,'currency':'NZD'}", "registerId")]
    [InlineData("{'registerId':'till-1','type':'capture','amount':100,'currency':'NZD'}", "originalTransactionId")]
    [InlineData("{'registerId':'till-1','type':'void'}", "originalTransactionId")]
    [InlineData("{'registerId':'till-1','type':'void','originalTransactionId':'not-an-id'}", "originalTransactionId")]
    [InlineData("{'registerId':'till-1','type':'purchase','amount':100,'currency':'NZD','expiresInSeconds':4}", "expiresInSeconds")]
    [InlineData("{'registerId':'till-1','type':'purchase','amount':100,'currency':'NZD','expiresInSeconds':601}", "expiresInSeconds")]
    [InlineData("{'registerId':'till-1','type':'purchase','amount':100,'currency':'NZD','callbackUrl':'ftp://x'}", "callbackUrl")]
    [InlineData("{'registerId':'till-1','type':'purchase','amount':100,'currency':'NZD','callbackUrl':'not a url'}", "callbackUrl")]
    [InlineData("{'registerId':'till-1','type':'purchase','amount':100,'currency':'NZD','cashOutAmount':-1}", "cashOutAmount")]
    [InlineData("{'registerId':'till-1','type':'refund','amount':100,'currency':'NZD','cashOutAmount':500}", "cashOutAmount")]
    public async Task MalformedOrInvalidTransactionIsAValidationErrorNamingTheField(string body, string field)
    {
        var merchant = await relay.NewMerchantAsync();

        await merchant.Http.PostRaw(Transactions, body.Replace('\'', '"'), Guid.NewGuid().ToString()).ExpectValidationFailed(field);
    }

    [Theory]
    [InlineData("registerId")]
    [InlineData("reference")]
    public async Task StringsLongerThan100CharactersAreValidationErrors(string field)
    {
        var merchant = await relay.NewMerchantAsync();
        var body = new JsonObject { ["registerId"] = "till-1", ["type"] = "purchase", ["amount"] = 100, ["currency"] = "NZD" };
        body[field] = new string('r', 101);

        await merchant.Http.PostRaw(Transactions, body.ToJsonString(), Guid.NewGuid().ToString()).ExpectValidationFailed(field);
    }

    [Fact]
    public async Task HugeBodyIsRefusedWithoutAServerError()
    {
        var merchant = await relay.NewMerchantAsync();
        var body = new JsonObject
        {
            ["registerId"] = "till-1", ["type"] = "purchase", ["amount"] = 100, ["currency"] = "NZD",
            ["reference"] = new string('x', 2 * 1024 * 1024),
        }.ToJsonString();

        var response = await merchant.Http.PostRaw(Transactions, body, Guid.NewGuid().ToString());

        if (response.StatusCode == HttpStatusCode.RequestEntityTooLarge)
            await Task.FromResult(response).ExpectProblem(413, "payload-too-large");
        else
            await Task.FromResult(response).ExpectValidationFailed("reference");
    }

    [Fact]
    public async Task BodyThatIsNotJsonIsUnsupportedMediaType()
    {
        var merchant = await relay.NewMerchantAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, Transactions)
        {
            Content = new StringContent(
                """{"registerId":"till-1","type":"purchase","amount":100,"currency":"NZD"}""", Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());

        await merchant.Http.SendAsync(request).ExpectProblem(415, "unsupported-media-type");
    }

    [Fact]
    public async Task OriginalTransactionThatDoesNotExistOrBelongsToAnotherAccountIsAValidationError()
    {
        var owner = await relay.NewMerchantAsync();
        await using var ownersTerminal = await relay.NewTerminalAsync(owner, simulate: false);
        await owner.PairAsync(ownersTerminal, "till-1");
        var othersId = (await owner.PurchaseAsync("till-1", 1000).Expect(201)).Str("id");

        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");

        foreach (var original in new[] { Guid.NewGuid().ToString(), othersId })
        {
            await merchant.Http.PostJson(Transactions, new { registerId = "till-1", type = "void", originalTransactionId = original },
                Guid.NewGuid().ToString()).ExpectValidationFailed("originalTransactionId");
            await merchant.Http.PostJson(Transactions,
                new { registerId = "till-1", type = "capture", amount = 100, currency = "NZD", originalTransactionId = original },
                Guid.NewGuid().ToString()).ExpectValidationFailed("originalTransactionId");
        }

        Assert.Empty(await merchant.Http.ListIds(Transactions));
        Assert.True(await terminal.NoStartWithin(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task RefusedCreateWritesNothingAndItsKeyCanThenBeUsedWithAValidBody()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        var key = Guid.NewGuid().ToString();

        await merchant.Http.PostJson(Transactions, new { registerId = "till-1", type = "purchase", amount = -1, currency = "NZD" }, key)
            .ExpectValidationFailed("amount");
        // Refused later, after the service already looked the key and the register up.
        await merchant.Http.PostJson(Transactions,
                new { registerId = "till-1", type = "void", originalTransactionId = Guid.NewGuid() }, key)
            .ExpectValidationFailed("originalTransactionId");
        await merchant.Http.PostJson(Transactions, new { registerId = "till-9", type = "purchase", amount = 100, currency = "NZD" }, key)
            .ExpectProblem(404, "register-not-paired");
        Assert.Empty(await merchant.Http.ListIds(Transactions));

        var created = await merchant.Http.PostJson(Transactions,
            new { registerId = "till-1", type = "purchase", amount = 100, currency = "NZD" }, key).Expect(201);

        Assert.Equal([created.Str("id")], await merchant.Http.ListIds(Transactions));
        Assert.Equal(created.Str("id"), (await terminal.NextStart()).Id);
    }

    [Fact]
    public async Task ValidTypesThatTakeNoAmountAreAccepted()
    {
        // The other side of the amount rules: the validation must not refuse what the contract allows.
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");

        var logon = await merchant.Http.PostJson(Transactions, new { registerId = "till-1", type = "logon" }, Guid.NewGuid().ToString())
            .Expect(201);

        Assert.Equal("logon", logon.Str("type"));
        Assert.Null(logon["amount"]);
    }

    [Fact]
    public async Task InvalidTerminalPairingAndAccountRequestsAreValidationErrors()
    {
        var merchant = await relay.NewMerchantAsync();

        await merchant.Http.PostJson("/api/v1/terminals", new { label = new string('l', 101) }).ExpectValidationFailed("label");
        await merchant.Http.PostJson("/api/v1/terminals", new { storeId = new string('s', 101) }).ExpectValidationFailed("storeId");
        await merchant.Http.PostJson("/api/v1/pairings", new { registerId = "till-1" }).ExpectValidationFailed("pairingCode");
        await merchant.Http.PostJson("/api/v1/pairings", new { pairingCode = "123456" }).ExpectValidationFailed("registerId");
        await merchant.Http.PostRaw("/api/v1/pairings", "{").ExpectValidationFailed("body");
        await relay.Admin().PostJson("/api/v1/accounts", new { name = "" }).ExpectValidationFailed("name");
        await relay.Admin().PostJson("/api/v1/accounts", new { name = "   " }).ExpectValidationFailed("name");
        await relay.Admin().PostJson("/api/v1/accounts", new { }).ExpectValidationFailed("name");
        await relay.Admin().PostJson("/api/v1/accounts", new { name = new string('n', 201) }).ExpectValidationFailed("name");

        var terminals = await merchant.Http.GetAsync("/api/v1/terminals").Expect(200);
        Assert.Empty(terminals["items"]!.AsArray());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("status=bogus", "status")]
    [InlineData("cursor=!!!", "cursor")]
    [InlineData("limit=abc", "limit")]
    [InlineData("terminalId=not-a-guid", "terminalId")]
    public async Task InvalidListQueryIsAValidationErrorNamingTheParameter(string query, string field)
    {
        var merchant = await relay.NewMerchantAsync();

        await merchant.Http.GetAsync($"{Transactions}?{query}").ExpectValidationFailed(field);
    }

    [Fact]
    public async Task LimitsAtTheBoundsAreAccepted()
    {
        var merchant = await relay.NewMerchantAsync();

        await merchant.Http.GetAsync($"{Transactions}?limit=1").Expect(200);
        await merchant.Http.GetAsync($"{Transactions}?limit=200").Expect(200);
        await merchant.Http.GetAsync($"{Transactions}?status=cancel_requested").Expect(200);
    }

    // PostgreSQL text cannot hold U+0000: a NUL that reaches a query is a database error, which must not become a 500.
    [Theory]
    [InlineData("/api/v1/transactions", "{'registerId':'till\\u00001','type':'purchase','amount':100,'currency':'NZD'}", "registerId")]
    [InlineData("/api/v1/transactions",
        "{'registerId':'till-1','type':'purchase','amount':100,'currency':'NZD','reference':'a\\u0000b'}", "reference")]
    [InlineData("/api/v1/terminals", "{'label':'a\\u0000b'}", "label")]
    public async Task NulCharacterInATextFieldIsAValidationError(string url, string body, string field)
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");

        await merchant.Http.PostRaw(url, body.Replace('\'', '"'), Guid.NewGuid().ToString()).ExpectValidationFailed(field);
    }

    [Fact]
    public async Task NulCharacterInAPairedRegisterIdIsAValidationError()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        var code = await terminal.Client.RequestPairingCodeAsync();

        await merchant.Http.PostRaw("/api/v1/pairings", $$"""{"pairingCode":"{{code.Code}}","registerId":"till\u00001"}""")
            .ExpectValidationFailed("registerId");
    }

    [Fact]
    public async Task NulCharacterInAnAccountNameIsAValidationError()
    {
        await relay.Admin().PostRaw("/api/v1/accounts", """{"name":"Joe\u0000s"}""").ExpectValidationFailed("name");
    }

    [Theory]
    [InlineData("/api/v1/transactions?registerId=till%001")]
    [InlineData("/api/v1/transactions?reference=a%00b")]
    [InlineData("/api/v1/pairings?registerId=till%001")]
    public async Task NulCharacterInAQueryIsNotAServerError(string url)
    {
        var merchant = await relay.NewMerchantAsync();

        var response = await merchant.Http.GetAsync(url);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode is 200 or 400 or 404, $"{(int)response.StatusCode}: {body}");
        if (!response.IsSuccessStatusCode) Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task LoneSurrogateInATextFieldIsNotAServerError()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");

        var response = await merchant.Http.PostRaw(Transactions,
            """{"registerId":"till-1","type":"purchase","amount":100,"currency":"NZD","reference":"a\ud800b"}""",
            Guid.NewGuid().ToString());

        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode is 201 or 400, $"{(int)response.StatusCode}: {body}");
    }
}
