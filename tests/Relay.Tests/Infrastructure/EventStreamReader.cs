using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Relay.Tests.Infrastructure;

/// <summary>One Server-Sent Event as the stream sent it: its id and type fields, and the event JSON in its data field.</summary>
public sealed record StreamedEvent(long Id, string Type, JsonNode Event)
{
    /// <summary>The event's own payload (for transaction.updated, the transaction).</summary>
    public JsonNode Data => Event["data"]!;
}

/// <summary>
/// A POS reading <c>GET /api/v1/events</c> as <c>text/event-stream</c>, parsed line by line per the SSE format, so tests
/// check the wire itself: <c>id:</c>, <c>event:</c>, <c>data:</c> fields and comment lines.
/// </summary>
public sealed class EventStreamReader : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<StreamedEvent> _events = Channel.CreateUnbounded<StreamedEvent>();
    private readonly Task _reading;
    private int _comments;

    private EventStreamReader(HttpResponseMessage response)
    {
        Response = response;
        _reading = ReadAsync(response);
    }

    public HttpResponseMessage Response { get; }

    /// <summary>Comment lines seen so far (": heartbeat", ": stream open").</summary>
    public int Comments => Volatile.Read(ref _comments);

    public static async Task<EventStreamReader> OpenAsync(HttpClient http, string query = "", long? lastEventId = null,
        string path = "/api/v1/events")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path + query);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId.Value.ToString());
        using var sendTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(Scenario.Patience));
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, sendTimeout.Token);

        if (!response.IsSuccessStatusCode)
        {
            Assert.Fail($"stream refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var reader = new EventStreamReader(response);
        await Scenario.Eventually(() => Task.FromResult(reader.Comments > 0), "the stream opened");

        return reader;
    }

    public async Task<StreamedEvent> NextAsync(int seconds = Scenario.Patience)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            return await _events.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no event within {seconds} s");
        }
    }

    /// <summary>Reads events until one matches, returning all read (the match last).</summary>
    public async Task<List<StreamedEvent>> UntilAsync(Func<StreamedEvent, bool> match, int seconds = Scenario.Patience)
    {
        var read = new List<StreamedEvent>();
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var left = (int)Math.Ceiling((deadline - DateTime.UtcNow).TotalSeconds);
            var next = await NextAsync(Math.Max(left, 1));
            read.Add(next);
            if (match(next)) return read;
        }
    }

    /// <summary>True when no event arrives within the window.</summary>
    public async Task<bool> QuietForAsync(TimeSpan window)
    {
        using var timeout = new CancellationTokenSource(window);
        try
        {
            await _events.Reader.WaitToReadAsync(timeout.Token);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    private async Task ReadAsync(HttpResponseMessage response)
    {
        try
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token));
            long? id = null;
            string? type = null;
            var data = new List<string>();
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {

                if (line.Length == 0)
                {
                    if (data.Count > 0)
                    {
                        var json = JsonNode.Parse(string.Join("\n", data))!;
                        Assert.Equal(id, (long)json["id"]!);
                        Assert.Equal(type, (string?)json["type"]);
                        await _events.Writer.WriteAsync(new StreamedEvent(id!.Value, type!, json));
                    }

                    id = null;
                    type = null;
                    data.Clear();
                }
                else if (line.StartsWith(':')) Interlocked.Increment(ref _comments);
                else if (line.StartsWith("id: ")) id = long.Parse(line[4..]);
                else if (line.StartsWith("event: ")) type = line[7..];
                else if (line.StartsWith("data: ")) data.Add(line[6..]);
            }

            _events.Writer.TryComplete();
        }
        catch (Exception e)
        {

            _events.Writer.TryComplete(e is OperationCanceledException ? null : e);
        }
    }

    public async ValueTask DisposeAsync()
    {

        await _stop.CancelAsync();
        Response.Dispose();
        await _reading;
        _stop.Dispose();
    }
}
