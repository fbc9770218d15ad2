using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Relay.Api.Webhooks;

/// <summary>
/// Keeps webhook and callback deliveries off the relay's own network (SSRF): URLs on loopback, private, link-local,
/// shared (CGNAT), multicast or unspecified addresses are refused unless <c>Relay:Webhooks:AllowPrivateNetworks</c>
/// is set — checked when a URL is registered and again, on the resolved address, when each delivery connects.
/// </summary>
public sealed class WebhookUrls(IOptions<RelayOptions> options)
{
    public const int MaxLength = 2000;

    private bool AllowPrivate => options.Value.Webhooks.AllowPrivateNetworks;

    /// <summary>Null when the URL may be used; otherwise why not.</summary>
    public async Task<string?> CheckAsync(string? url, string field, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(url)) return $"{field} is required.";
        if (url.Length > MaxLength) return $"{field} must be at most {MaxLength} characters.";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            return $"{field} must be an absolute http or https URL.";
        }

        if (AllowPrivate) return null;
        IPAddress[] addresses;
        if (IPAddress.TryParse(uri.IdnHost, out var literal)) addresses = [literal];
        else if (uri.IsLoopback) addresses = [IPAddress.Loopback];
        else
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(3));
                addresses = await Dns.GetHostAddressesAsync(uri.IdnHost, timeout.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                return null; // cannot tell now; every delivery checks the address it connects to
            }
        }

        return addresses.FirstOrDefault(IsPrivate) is { } refused
            ? $"{field} resolves to {refused}, a loopback, private or link-local address; deliveries only go to public addresses."
            : null;
    }

    /// <summary>Connects a delivery, refusing a private address the host name resolves to now (DNS rebinding).</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var addresses = IPAddress.TryParse(context.DnsEndPoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
        var allowed = AllowPrivate ? addresses : addresses.Where(a => !IsPrivate(a)).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException($"{context.DnsEndPoint.Host} resolves only to private addresses; refused.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (b[0] & 0xFE) == 0xFC;
        }

        var v4 = address.GetAddressBytes();
        return v4[0] switch
        {
            0 or 10 or 127 => true,
            100 => v4[1] is >= 64 and <= 127, // shared address space (CGNAT)
            169 => v4[1] == 254, // link-local, cloud metadata
            172 => v4[1] is >= 16 and <= 31,
            192 => v4[1] == 168 || (v4[1] == 0 && v4[2] is 0 or 2),
            198 => v4[1] is 18 or 19, // benchmarking
            >= 224 => true, // multicast, reserved, broadcast
            _ => false,
        };
    }
}
