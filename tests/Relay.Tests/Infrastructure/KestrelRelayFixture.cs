using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Relay.Terminal;

namespace Relay.Tests.Infrastructure;

/// <summary>
/// The real relay on a real socket (Kestrel on 127.0.0.1, a free port) over its own database <c>relay_test_&lt;guid&gt;</c>:
/// for clients outside this process, such as the official SignalR JavaScript client run by node. With TLS it listens on a
/// second port over HTTPS too, with a <see cref="LoopbackCertificate"/>, for clients that speak only HTTPS.
/// </summary>
public class KestrelRelayFixture : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private readonly IReadOnlyDictionary<string, string>? _settings;
    private readonly LoopbackCertificate? _certificate;

    private RelayFactory _factory = null!;

    public KestrelRelayFixture() : this(tls: false)
    {
    }

    /// <param name="tls">Whether to listen over HTTPS too (<see cref="HttpsUrl"/>).</param>
    /// <param name="settings">Configuration that differs from <see cref="RelayFactory"/>'s test defaults.</param>
    protected KestrelRelayFixture(bool tls, IReadOnlyDictionary<string, string>? settings = null)
    {
        _settings = settings;
        _certificate = tls ? LoopbackCertificate.Create() : null;
    }

    public TestClock Clock { get; } = new();

    /// <summary>Where the relay listens, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string Url { get; private set; } = "";

    /// <summary>Where it listens over TLS, e.g. <c>https://127.0.0.1:41235</c>; empty without TLS.</summary>
    public string HttpsUrl { get; private set; } = "";

    /// <summary>The PEM file of the TLS certificate, for a client to trust (node's NODE_EXTRA_CA_CERTS).</summary>
    public string CertificatePemPath => _certificate?.PemPath ?? throw new InvalidOperationException("This relay has no TLS.");

    public Task InitializeAsync()
    {
        _factory = new RelayFactory(_database.ConnectionString, Clock, _settings);
        _factory.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            if (_certificate is not null) k.Listen(IPAddress.Loopback, 0, o => o.UseHttps(_certificate.Certificate));
        });
        _factory.StartServer(); // migrations run now

        var addresses = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Url = addresses.Single(a => a.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)).TrimEnd('/');
        HttpsUrl = addresses.SingleOrDefault(a => a.StartsWith("https://127.0.0.1:", StringComparison.Ordinal))?.TrimEnd('/') ?? "";
        return Task.CompletedTask;
    }

    /// <summary>A plain HTTP client to the relay's socket, optionally with a bearer key.</summary>
    public HttpClient Client(string? key = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(Url + "/"), Timeout = TimeSpan.FromSeconds(60) };
        return key is null ? client : client.WithKey(key);
    }

    public HttpClient Admin() => Client(RelayFactory.AdminKey);

    /// <summary>A new account, as a POS reaches it over the socket.</summary>
    public async Task<Merchant> NewMerchantAsync(string name = "Interop")
    {
        var account = await Admin().PostJson("/api/v1/accounts", new { name = $"{name} {Guid.NewGuid().ToString("N")[..6]}" }).Expect(201);
        return new Merchant(Client(account.Str("apiKey")), account.Str("id"), account.Str("apiKey"));
    }

    /// <summary>Creates and activates a terminal, and connects the SDK's simulator to it over the socket.</summary>
    public async Task<TestTerminal> NewTerminalAsync(Merchant merchant)
    {
        var code = await merchant.NewActivationCodeAsync();
        var activation = await TerminalActivation.ActivateAsync(Client(), new Uri(Url), code, "SN-" + Guid.NewGuid().ToString("N")[..8]);
        var terminal = await Scenario.ConnectAsync(new Uri(Url), webSocketFactory: null, activation.TerminalId, activation.DeviceToken);
        await merchant.Http.UntilOnlineAsync(terminal.TerminalId);
        return terminal;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _database.DropAsync();
        _certificate?.Dispose();
    }
}
