using System.Net;
using System.Net.Sockets;

namespace Relay.Tests.Infrastructure;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of PostgreSQL that a test can cut (every connection dropped, new ones refused)
/// and restore: a database outage for one relay, without stopping the server the other tests use.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly string _upstreamHost;
    private readonly int _upstreamPort;
    private readonly Lock _gate = new();
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;

    public TcpProxy(string upstreamHost, int upstreamPort)
    {
        _upstreamHost = upstreamHost;
        _upstreamPort = upstreamPort;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Restore();
    }

    public int Port { get; }

    /// <summary>Drops every connection and refuses new ones, as a database host that went away.</summary>
    public void Cut()
    {
        lock (_gate)
        {
            _listener?.Stop();
            _listener = null;
            foreach (var client in _open)
            {
                try
                {
                    client.Client?.LingerState = new LingerOption(true, 0); // reset, not a polite close
                }
                catch (ObjectDisposedException)
                {
                    // Already closed by its other side.
                }

                client.Dispose();
            }

            _open.Clear();
        }
    }

    public void Restore()
    {
        lock (_gate)
        {
            if (_listener is not null) return;
            _listener = new TcpListener(IPAddress.Loopback, Port);
            _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Start();
            _ = AcceptAsync(_listener);
        }
    }

    private async Task AcceptAsync(TcpListener accepting)
    {
        while (true)
        {
            TcpClient downstream;
            try
            {
                downstream = await accepting.AcceptTcpClientAsync();
            }
            catch (Exception)
            {
                return; // stopped
            }

            var upstream = new TcpClient();
            try
            {
                await upstream.ConnectAsync(_upstreamHost, _upstreamPort);
            }
            catch (Exception)
            {
                downstream.Dispose();
                upstream.Dispose();
                continue;
            }

            lock (_gate)
            {
                if (_listener != accepting)
                {
                    downstream.Dispose();
                    upstream.Dispose();
                    return;
                }

                _open.Add(downstream);
                _open.Add(upstream);
            }

            _ = PumpAsync(downstream, upstream);
            _ = PumpAsync(upstream, downstream);
        }
    }

    private static async Task PumpAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream());
        }
        catch (Exception)
        {
            // Either side went away (or the proxy was cut).
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }
}
