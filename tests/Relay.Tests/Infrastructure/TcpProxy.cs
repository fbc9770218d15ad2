using System.Net;
using System.Net.Sockets;

namespace Relay.Tests.Infrastructure;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of PostgreSQL that a test can cut (every connection dropped, new ones refused)
/// and restore: a database outage for one relay, without stopping the server the other tests use.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly string upstreamHost;
    private readonly int upstreamPort;
    private readonly Lock gate = new();
    private readonly List<TcpClient> open = [];
    private TcpListener? listener;

    public TcpProxy(string upstreamHost, int upstreamPort)
    {
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
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
        lock (gate)
        {
            listener?.Stop();
            listener = null;
            foreach (var client in open)
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

            open.Clear();
        }
    }

    public void Restore()
    {
        lock (gate)
        {
            if (listener is not null) return;
            listener = new TcpListener(IPAddress.Loopback, Port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            _ = AcceptAsync(listener);
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
                await upstream.ConnectAsync(upstreamHost, upstreamPort);
            }
            catch (Exception)
            {
                downstream.Dispose();
                upstream.Dispose();
                continue;
            }

            lock (gate)
            {
                if (listener != accepting)
                {
                    downstream.Dispose();
                    upstream.Dispose();
                    return;
                }

                open.Add(downstream);
                open.Add(upstream);
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
