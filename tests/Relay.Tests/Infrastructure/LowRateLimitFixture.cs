using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using Relay.Terminal;

namespace Relay.Tests.Infrastructure;

/// <summary>
/// A relay whose rate limits are low enough to hit in a test (3 activations and 3 pairings a minute), over its own
/// database like <see cref="RelayFixture"/>. Separate because <see cref="RelayFactory"/> sets limits no test reaches.
/// </summary>
public sealed class LowRateLimitFixture : IAsyncLifetime
{
    public const int ActivationsPerMinute = 3;
    public const int PairingsPerMinute = 3;

    private readonly string adminConnectionString = Environment.GetEnvironmentVariable("RELAY_TEST_DB")
        ?? throw new InvalidOperationException("RELAY_TEST_DB is not set: run the tests with scripts/test.sh, which starts a throwaway PostgreSQL.");

    private readonly string database = "relay_test_" + Guid.NewGuid().ToString("N");

    public LowRateLimitFactory Factory { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Factory = new LowRateLimitFactory(new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = database }.ConnectionString);
        _ = Factory.Server; // starts the host: migrations run now
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    public Task<HttpResponseMessage> ActivateAsync(string activationCode) =>
        Factory.CreateClient().PostJson("/api/v1/terminal-activations", new { activationCode, serialNumber = "SN-" + Guid.NewGuid().ToString("N")[..8] });

    /// <summary>A new account's client (with its API key).</summary>
    public async Task<HttpClient> NewMerchantAsync()
    {
        var admin = Factory.CreateClient().WithKey(RelayFactory.AdminKey);
        var account = await admin.PostJson("/api/v1/accounts", new { name = "Merchant " + Guid.NewGuid().ToString("N")[..6] }).Expect(201);
        return Factory.CreateClient().WithKey(account.Str("apiKey"));
    }

    /// <summary>Creates, activates (one activation attempt) and connects a terminal with the SDK, so it can ask for pairing codes.</summary>
    public async Task<RelayTerminalClient> NewTerminalAsync(HttpClient merchant)
    {
        var created = await merchant.PostJson("/api/v1/terminals", new { label = "Till" }).Expect(201);
        var activation = await ActivateAsync(created.Str("activationCode")).Expect(200);
        var client = new RelayTerminalClient(new RelayTerminalOptions
        {
            RelayUrl = Factory.Server.BaseAddress,
            DeviceToken = activation.Str("deviceToken"),
            OutboxDirectory = Directory.CreateTempSubdirectory("relay-outbox-").FullName,
            ReconnectDelays = [TimeSpan.Zero, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(250)],
            WebSocketFactory = async (uri, token, ct) =>
            {
                var ws = Factory.Server.CreateWebSocketClient();
                ws.ConfigureRequest = r => r.Headers.Authorization = "Bearer " + token;
                return await ws.ConnectAsync(uri, ct);
            },
        });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await client.StartAsync(cts.Token);
        return client;
    }
}

public sealed class LowRateLimitFactory(string connectionString) : WebApplicationFactory<Relay.Api.RelayOptions>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Relay", connectionString);
        builder.UseSetting("Relay:AdminApiKey", RelayFactory.AdminKey);
        builder.UseSetting("Relay:RateLimits:ActivationsPerMinute", LowRateLimitFixture.ActivationsPerMinute.ToString());
        builder.UseSetting("Relay:RateLimits:PairingsPerMinute", LowRateLimitFixture.PairingsPerMinute.ToString());
        builder.UseSetting("Serilog:MinimumLevel", "Warning");
    }
}
