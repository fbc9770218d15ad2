using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;

namespace Relay.Bench;

/// <summary>
/// A minimal SignalR client (JSON protocol over a raw WebSocket, no negotiate): a few KiB per connection, so one
/// process holds thousands. Invocations with ids, server invocations to a handler, pings so the server keeps it.
/// </summary>
public sealed class HubClient : IAsyncDisposable
{
    private const byte RecordSeparator = 0x1e;
    private static readonly byte[] Handshake = [.. """{"protocol":"json","version":1}"""u8, RecordSeparator];
    private static readonly byte[] Ping = [.. """{"type":6}"""u8, RecordSeparator];

    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _calls = new();
    private readonly Action<HubClient, string, JsonElement> _onInvocation;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextId;

    private HubClient(Action<HubClient, string, JsonElement> onInvocation) => _onInvocation = onInvocation;

    /// <summary>Completes when the connection ends, for whatever reason.</summary>
    public Task Closed => _closed.Task;

    public bool IsOpen => _socket.State == WebSocketState.Open && !_closed.Task.IsCompleted;

    /// <summary>Connects, completes the handshake and starts receiving. <paramref name="onInvocation"/> runs on the receive loop:
    /// keep it short.</summary>
    public static async Task<HubClient> ConnectAsync(Uri hub, Action<HubClient, string, JsonElement> onInvocation, CancellationToken ct)
    {
        var client = new HubClient(onInvocation);
        client._socket.Options.KeepAliveInterval = TimeSpan.Zero; // SignalR pings instead
        client._socket.Options.SetBuffer(2048, 1024);
        try
        {
            await client._socket.ConnectAsync(hub, ct);
            await client._socket.SendAsync(Handshake, WebSocketMessageType.Text, true, ct);
            var buffer = new ArrayBufferWriter<byte>(256);
            var first = await client.ReadRecordsAsync(buffer, ct);
            if (first.Count == 0 || first[0].TryGetProperty("error", out _))
            {
                throw new InvalidOperationException("SignalR handshake refused: " + (first.Count == 0 ? "no answer" : first[0].ToString()));
            }

            _ = client.ReceiveLoopAsync(buffer);
            return client;
        }
        catch
        {
            client._socket.Dispose();
            throw;
        }
    }

    public async Task<JsonElement> InvokeAsync(string target, object?[] arguments, TimeSpan timeout)
    {
        var id = Interlocked.Increment(ref _nextId).ToString();
        var call = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _calls[id] = call;
        try
        {
            await SendAsync(
                [.. JsonSerializer.SerializeToUtf8Bytes(new Invocation(1, id, target, arguments), BenchJson.Options), RecordSeparator]);
            return await call.Task.WaitAsync(timeout);
        }
        finally
        {
            _calls.TryRemove(id, out _);
        }
    }

    public Task PingAsync() => IsOpen ? SendAsync(Ping) : Task.CompletedTask;

    /// <summary>Drops the connection without a close handshake, as a lost network does.</summary>
    public void Abort()
    {
        _socket.Abort();
        _closed.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception)
            {
                // closing anyway
            }
        }

        Abort();
        _socket.Dispose();
    }

    /// <summary>Sends one whole record (ending with the separator) as one WebSocket frame.</summary>
    private async Task SendAsync(byte[] record)
    {
        await _sending.WaitAsync();
        try
        {
            await _socket.SendAsync(record, WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task ReceiveLoopAsync(ArrayBufferWriter<byte> buffer)
    {
        try
        {
            while (true)
            {
                foreach (var message in await ReadRecordsAsync(buffer, CancellationToken.None))
                {
                    Dispatch(message);
                }
            }
        }
        catch (Exception)
        {
            // the connection ended
        }
        finally
        {
            _closed.TrySetResult();
            foreach (var call in _calls.Values) call.TrySetException(new WebSocketException("connection closed"));
        }
    }

    private void Dispatch(JsonElement message)
    {
        switch (message.GetProperty("type").GetInt32())
        {
            case 1:
                _onInvocation(this, message.GetProperty("target").GetString()!, message.GetProperty("arguments"));
                break;
            case 3 when _calls.TryGetValue(message.GetProperty("invocationId").GetString()!, out var call):
                if (message.TryGetProperty("error", out var error)) call.TrySetException(new InvalidOperationException(error.GetString()));
                else call.TrySetResult(message.TryGetProperty("result", out var result) ? result : default);
                break;
            case 7:
                throw new WebSocketException("server closed: " + message);
        }
    }

    /// <summary>Reads WebSocket frames until at least one whole record is in <paramref name="buffer"/>; returns the records.</summary>
    private async Task<List<JsonElement>> ReadRecordsAsync(ArrayBufferWriter<byte> buffer, CancellationToken ct)
    {
        var records = new List<JsonElement>();
        while (records.Count == 0)
        {
            var result = await _socket.ReceiveAsync(buffer.GetMemory(1024), ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new WebSocketException("closed by the server");
            }

            buffer.Advance(result.Count);
            var data = buffer.WrittenMemory;
            int end;
            while ((end = data.Span.IndexOf(RecordSeparator)) >= 0)
            {
                using var document = JsonDocument.Parse(data[..end]);
                records.Add(document.RootElement.Clone());
                data = data[(end + 1)..];
            }

            var rest = data.ToArray();
            buffer.ResetWrittenCount();
            buffer.Write(rest);
        }

        return records;
    }

    private sealed record Invocation(int Type, string InvocationId, string Target, object?[] Arguments);
}
