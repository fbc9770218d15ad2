using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Relay.Tests.Infrastructure;

/// <summary>One webhook delivery as the receiver got it: the three Standard Webhooks headers and the exact body.</summary>
public sealed record ReceivedWebhook(string Path, string Id, string Timestamp, string Signature, string Body, int AnsweredWith);

/// <summary>
/// A real HTTP server on 127.0.0.1 standing in for a POS's webhook receiver: it records every request and answers
/// with the status codes a test scripts per path (200 when nothing is scripted).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _scripts = new();
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<ReceivedWebhook> Received => _received.ToList();

    public IReadOnlyList<ReceivedWebhook> At(string path) => _received.Where(r => r.Path == path).ToList();

    /// <summary>While set, every request is answered with this status (a receiver that is down, say 503).</summary>
    public int? AnswerAll { get; set; }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var _app = builder.Build();
        var receiver = new WebhookReceiver(_app);
        _app.Run(receiver.HandleAsync);
        await _app.StartAsync();
        receiver.BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return receiver;
    }

    /// <summary>The next requests to <paramref name="path"/> are answered with these statuses, in order.</summary>
    public void Script(string path, params int[] statuses)
    {
        var queue = _scripts.GetOrAdd(path, _ => new ConcurrentQueue<int>());
        foreach (var status in statuses) queue.Enqueue(status);
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var path = context.Request.Path.Value ?? "/";
        var status = AnswerAll ?? (_scripts.TryGetValue(path, out var queue) && queue.TryDequeue(out var scripted) ? scripted : 200);
        _received.Enqueue(new ReceivedWebhook(path, context.Request.Headers["webhook-id"].ToString(),
            context.Request.Headers["webhook-timestamp"].ToString(), context.Request.Headers["webhook-signature"].ToString(),
            body, status));
        context.Response.StatusCode = status;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
