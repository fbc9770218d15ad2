using Npgsql;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <summary>
/// PostgreSQL goes away under a running relay (its connections cut, new ones refused) and comes back: the API says
/// 503 database-unavailable with Retry-After, readiness fails, nothing is half-written, and service resumes by itself.
/// </summary>
public sealed class DatabaseOutageTests(DatabaseOutageTests.Fixture relay) : IClassFixture<DatabaseOutageTests.Fixture>
{
    /// <summary>A relay that reaches its database through a <see cref="TcpProxy"/> the test can cut.</summary>
    public sealed class Fixture : RelayFixture
    {
        private TcpProxy? _proxy;

        public TcpProxy Proxy => _proxy ??= new TcpProxy(Upstream.Host!, Upstream.Port);

        private NpgsqlConnectionStringBuilder Upstream => new(ConnectionString);

        protected override string RelayConnectionString =>
            new NpgsqlConnectionStringBuilder(ConnectionString) { Host = "127.0.0.1", Port = Proxy.Port, Timeout = 15 }.ConnectionString;

        public override async Task DisposeAsync()
        {
            Proxy.Restore();
            await base.DisposeAsync();
            await Proxy.DisposeAsync();
        }
    }

    [Fact]
    public async Task RelayAnswers503WhileTheDatabaseIsDownAndResumesByItselfWithNothingHalfWritten()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: true);
        await merchant.PairAsync(terminal, "till-1");
        var key = Guid.NewGuid().ToString();

        relay.Proxy.Cut();
        try
        {
            var response = await merchant.PurchaseAsync("till-1", 1250, key: key);
            var problem = await Task.FromResult(response).ExpectProblem(503, "database-unavailable");
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
            Assert.Equal(503, (int)(await merchant.Http.GetAsync("/health/ready")).StatusCode);
            Assert.Equal(200, (int)(await merchant.Http.GetAsync("/health/live")).StatusCode);
            await merchant.Http.GetAsync("/api/v1/transactions").ExpectProblem(503, "database-unavailable");
            Assert.NotNull(problem["detail"]);
        }
        finally
        {
            relay.Proxy.Restore();
        }

        await Scenario.Eventually(async () => (await merchant.Http.GetAsync("/health/ready")).IsSuccessStatusCode,
            "the relay is ready again");
        // The POS retries with the same key: the failed attempt left nothing behind, so this creates the one transaction.
        var transaction = await merchant.PurchaseAsync("till-1", 1250, wait: 30, key: key).Expect(201);
        Assert.Equal("approved", transaction.Str("status"));
        var all = await merchant.Http.GetAsync("/api/v1/transactions").Expect(200);
        Assert.Single(all["items"]!.AsArray());
    }
}
