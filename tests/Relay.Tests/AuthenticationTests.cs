using System.Net.WebSockets;
using System.Text;
using Relay.Terminal;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

public sealed class AuthenticationTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    private static readonly string[] MerchantRoutes =
    [
        "GET /api/v1/terminals", "POST /api/v1/terminals", "GET /api/v1/transactions", "POST /api/v1/transactions",
        "GET /api/v1/pairings", "POST /api/v1/pairings", "GET /api/v1/registers/till-1/pairing",
        "GET /api/v1/transactions/" + "0193a0b5-3333-7000-8000-000000000002",
    ];

    private static readonly string[] AdminRoutes = ["GET /api/v1/accounts", "POST /api/v1/accounts"];

    private HttpClient Client(string? authorization)
    {
        var client = relay.Factory.CreateClient();
        if (authorization is not null) client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        return client;
    }

    private static Task<HttpResponseMessage> Call(HttpClient client, string route)
    {
        var (method, url) = (route.Split(' ')[0], route.Split(' ')[1]);
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method == "POST")
        {
            request.Content = new StringContent(
                """{"name":"x","registerId":"till-1","type":"purchase","amount":100,"currency":"NZD","pairingCode":"123456"}""",
                Encoding.UTF8, "application/json");
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        }

        return client.SendAsync(request);
    }

    [Fact]
    public async Task MerchantEndpointsRefuseMissingWrongMalformedAndAdminCredentials()
    {
        var merchant = await relay.NewMerchantAsync();
        string?[] credentials =
        [
            null, "Bearer rk_not-a-real-key", "Bearer", "Bearer ", "Basic " + merchant.ApiKey, merchant.ApiKey,
            "Bearer " + RelayFactory.AdminKey, "Bearer " + merchant.ApiKey + "x", "Bearer " + new string('k', 5000),
        ];

        foreach (var route in MerchantRoutes)
        {
            foreach (var credential in credentials)
            {
                await Call(Client(credential), route).ExpectUnauthenticated();
            }

            // The same route with the right key is not refused: the 401s above are about the credential.
            var ok = await Call(merchant.Http, route);
            Assert.NotEqual(401, (int)ok.StatusCode);
        }
    }

    [Fact]
    public async Task AdminEndpointsRefuseMissingWrongAndAccountCredentials()
    {
        var merchant = await relay.NewMerchantAsync();
        string?[] credentials = [null, "Bearer wrong-admin-key", "Basic " + RelayFactory.AdminKey, "Bearer " + merchant.ApiKey];

        foreach (var route in AdminRoutes)
        {
            foreach (var credential in credentials)
            {
                await Call(Client(credential), route).ExpectUnauthenticated();
            }
        }

        await Client("Bearer " + merchant.ApiKey).GetAsync($"/api/v1/accounts/{merchant.AccountId}").ExpectUnauthenticated();
        await Client("Bearer " + merchant.ApiKey).PostAsync($"/api/v1/accounts/{merchant.AccountId}/api-keys", null)
            .ExpectUnauthenticated();
        await relay.Admin().GetAsync($"/api/v1/accounts/{merchant.AccountId}").Expect(200);
    }

    [Fact]
    public async Task DeviceTokenIsNotAnAccountKey()
    {
        var merchant = await relay.NewMerchantAsync();
        var activation = await ActivateAsync(merchant);

        await Client("Bearer " + activation.DeviceToken).GetAsync("/api/v1/terminals").ExpectUnauthenticated();
        await Client("Bearer " + activation.DeviceToken).GetAsync("/api/v1/accounts").ExpectUnauthenticated();
    }

    [Fact]
    public async Task DeletedApiKeyStopsWorkingAtOnceWhileTheNewOneKeepsTheAccount()
    {
        var merchant = await relay.NewMerchantAsync();
        var admin = relay.Admin();
        var terminalId = (await merchant.Http.PostJson("/api/v1/terminals", new { label = "made with the old key" }).Expect(201)).Str("id");

        var added = await admin.PostJson($"/api/v1/accounts/{merchant.AccountId}/api-keys", new { }).Expect(201);
        var newKey = added.Str("apiKey");
        Assert.NotEqual(merchant.ApiKey, newKey);
        var withNewKey = Client("Bearer " + newKey);
        Assert.Equal(terminalId, (await withNewKey.GetAsync($"/api/v1/terminals/{terminalId}").Expect(200)).Str("id"));

        var keys = await admin.GetAsync($"/api/v1/accounts/{merchant.AccountId}/api-keys").Expect(200);
        var ids = keys.AsArray().Select(k => k!.Str("id")).ToList();
        Assert.Equal(2, ids.Count);
        Assert.DoesNotContain(merchant.ApiKey, keys.ToJsonString());
        Assert.DoesNotContain(newKey, keys.ToJsonString());
        var oldKeyId = Assert.Single(ids, id => id != added.Str("id"));

        await merchant.Http.GetAsync("/api/v1/terminals").Expect(200);
        await admin.DeleteAsync($"/api/v1/accounts/{merchant.AccountId}/api-keys/{oldKeyId}").Expect(204);

        await merchant.Http.GetAsync("/api/v1/terminals").ExpectUnauthenticated();
        await merchant.Http.GetAsync($"/api/v1/terminals/{terminalId}").ExpectUnauthenticated();
        await withNewKey.GetAsync($"/api/v1/terminals/{terminalId}").Expect(200);
        await admin.DeleteAsync($"/api/v1/accounts/{merchant.AccountId}/api-keys/{oldKeyId}").ExpectProblem(404, "not-found");
    }

    [Fact]
    public async Task ApiKeyOfOneAccountCannotBeDeletedThroughAnotherAccountsRoute()
    {
        var owner = await relay.NewMerchantAsync();
        var other = await relay.NewMerchantAsync();
        var admin = relay.Admin();
        var ownerKeyId = (await admin.GetAsync($"/api/v1/accounts/{owner.AccountId}/api-keys").Expect(200)).AsArray().Single()!.Str("id");

        await admin.DeleteAsync($"/api/v1/accounts/{other.AccountId}/api-keys/{ownerKeyId}").ExpectProblem(404, "not-found");

        await owner.Http.GetAsync("/api/v1/terminals").Expect(200);
    }

    [Fact]
    public async Task HubRefusesAWebSocketWithAWrongDeviceToken()
    {
        var merchant = await relay.NewMerchantAsync();
        var activation = await ActivateAsync(merchant);

        foreach (var header in new[] { "Bearer rdt_not-a-real-token", "Bearer " + merchant.ApiKey, "Bearer " + RelayFactory.AdminKey,
            "Basic " + activation.DeviceToken })
        {
            var client = relay.Factory.Server.CreateWebSocketClient();
            client.ConfigureRequest = r => r.Headers.Authorization = header;
            var error = await Assert.ThrowsAnyAsync<Exception>(() =>
                client.ConnectAsync(new Uri("ws://localhost/hubs/terminal"), CancellationToken.None));
            Assert.Contains("401", error.Message);
        }

        // The negotiate request says the same in the API's own words.
        await Client("Bearer rdt_not-a-real-token").PostAsync("/hubs/terminal/negotiate?negotiateVersion=1", null).ExpectUnauthenticated();
        await Client("Bearer " + activation.DeviceToken).PostAsync("/hubs/terminal/negotiate?negotiateVersion=1", null).Expect(200);
    }

    [Fact]
    public async Task SdkWithAWrongDeviceTokenNeverConnects()
    {
        var merchant = await relay.NewMerchantAsync();
        var activation = await ActivateAsync(merchant);
        await using var client = new RelayTerminalClient(new RelayTerminalOptions
        {
            RelayUrl = relay.Factory.Server.BaseAddress,
            DeviceToken = "rdt_not-a-real-token",
            OutboxDirectory = Directory.CreateTempSubdirectory("relay-outbox-").FullName,
            ReconnectDelays = [TimeSpan.Zero, TimeSpan.FromMilliseconds(100)],
            WebSocketFactory = (uri, token, ct) => relay.OpenWebSocketAsync(uri, "Bearer " + token, ct),
        });

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.StartAsync(cts.Token));

        Assert.False(client.IsConnected);
        var terminal = await merchant.Http.GetAsync($"/api/v1/terminals/{activation.TerminalId}").Expect(200);
        Assert.False((bool)terminal["online"]!);
    }

    [Fact]
    public async Task HubAcceptsTheDeviceTokenAsAccessTokenQueryParameter()
    {
        var merchant = await relay.NewMerchantAsync();
        var activation = await ActivateAsync(merchant);
        var client = relay.Factory.Server.CreateWebSocketClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        using var socket = await client.ConnectAsync(
            new Uri($"ws://localhost/hubs/terminal?access_token={Uri.EscapeDataString(activation.DeviceToken)}"), cts.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e"),
            WebSocketMessageType.Text, true, cts.Token);
        var buffer = new byte[1024];
        var received = await socket.ReceiveAsync(buffer, cts.Token);

        Assert.Equal("{}\u001e", Encoding.UTF8.GetString(buffer, 0, received.Count));
        await Scenario.Eventually(
            async () => (bool)(await merchant.Http.GetAsync($"/api/v1/terminals/{activation.TerminalId}").Expect(200))["online"]!,
            "the terminal shows online");
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
    }

    [Fact]
    public async Task HubRefusesAWrongAccessTokenQueryParameter()
    {
        var merchant = await relay.NewMerchantAsync();
        var client = relay.Factory.Server.CreateWebSocketClient();

        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            client.ConnectAsync(new Uri($"ws://localhost/hubs/terminal?access_token={Uri.EscapeDataString(merchant.ApiKey)}"),
                CancellationToken.None));
        Assert.Contains("401", error.Message);
    }

    [Fact]
    public async Task AccessTokenQueryParameterIsNotACredentialForTheRestApi()
    {
        var merchant = await relay.NewMerchantAsync();
        var activation = await ActivateAsync(merchant);

        await Client(null).GetAsync($"/api/v1/terminals?access_token={Uri.EscapeDataString(merchant.ApiKey)}").ExpectUnauthenticated();
        await Client(null).GetAsync($"/api/v1/terminals?access_token={Uri.EscapeDataString(activation.DeviceToken)}")
            .ExpectUnauthenticated();
    }

    private async Task<ActivationResult> ActivateAsync(Merchant merchant) =>
        await TerminalActivation.ActivateAsync(relay.Factory.CreateClient(), relay.Factory.Server.BaseAddress,
            await merchant.NewActivationCodeAsync(), "SN-" + Guid.NewGuid().ToString("N")[..8]);
}
