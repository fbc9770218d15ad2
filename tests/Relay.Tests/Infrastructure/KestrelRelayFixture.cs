using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Relay.Tests.Infrastructure;

/// <summary>
/// The real relay on a real socket (Kestrel on 127.0.0.1, a free port) over its own database <c>relay_test_&lt;guid&gt;</c>:
/// for clients outside this process, such as the official SignalR JavaScript client run by node.
/// </summary>
public sealed class KestrelRelayFixture : IAsyncLifetime
{
    private readonly TestDatabase _database = new();

    private RelayFactory _factory = null!;

    public TestClock Clock { get; } = new();

    /// <summary>Where the relay listens, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string Url { get; private set; } = "";

    public Task InitializeAsync()
    {
        _factory = new RelayFactory(_database.ConnectionString, Clock);
        _factory.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _factory.StartServer(); // migrations run now

        var addresses = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Url = addresses.Single(a => a.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)).TrimEnd('/');
        return Task.CompletedTask;
    }

    /// <summary>A plain HTTP client to the relay's socket, optionally with a bearer key.</summary>
    public HttpClient Client(string? key = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(Url + "/"), Timeout = TimeSpan.FromSeconds(60) };
        return key is null ? client : client.WithKey(key);
    }

    public HttpClient Admin() => Client(RelayFactory.AdminKey);

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _database.DropAsync();
    }
}
