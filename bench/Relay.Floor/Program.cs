using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR;

// The floor: the relay's payment loop with nothing but Kestrel, SignalR and System.Text.Json. POST /api/v1/transactions
// (Prefer: wait) → StartTransaction on the terminal's hub connection → TransactionReceived, TransactionStarted,
// CompleteTransaction → the response. No database, no durability, no second instance: what any relay costs at least.
// A terminal's access_token is its register id, and any non-empty Bearer key is an account.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true); // as the relay (src/Relay.Api/Program.cs)
builder.Services.ConfigureHttpJsonOptions(o => FloorJson.Configure(o.SerializerOptions));
builder.Services.AddSignalR(o =>
    {
        o.KeepAliveInterval = TimeSpan.FromSeconds(15);
        o.ClientTimeoutInterval = TimeSpan.FromSeconds(30);
    })
    .AddJsonProtocol(o => FloorJson.Configure(o.PayloadSerializerOptions));
builder.Services.AddSingleton<Floor>();

var app = builder.Build();
app.MapPost("/api/v1/transactions", async (FloorPayment request, HttpContext http, Floor floor, IHubContext<FloorHub> hub) =>
{
    if (!http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal)) return Results.Unauthorized();
    if (string.IsNullOrEmpty(http.Request.Headers["Idempotency-Key"])) return Results.BadRequest();
    if (request.RegisterId is null || !floor.Connections.TryGetValue(request.RegisterId, out var connectionId)) return Results.NotFound();

    var transaction = new FloorTransaction(Guid.CreateVersion7(), request.RegisterId, request.Type ?? "purchase", request.Amount,
        request.Currency, "pending");
    var done = new TaskCompletionSource<FloorTransaction>(TaskCreationOptions.RunContinuationsAsynchronously);
    floor.Open[transaction.Id] = done;
    try
    {
        await hub.Clients.Client(connectionId).SendAsync("StartTransaction", transaction);
        var wait = http.Request.Headers["Prefer"].ToString().StartsWith("wait=", StringComparison.Ordinal)
            ? TimeSpan.FromSeconds(30)
            : TimeSpan.Zero;
        var result = await done.Task.WaitAsync(wait).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : transaction);
        return Results.Created($"/api/v1/transactions/{transaction.Id}", result);
    }
    finally
    {
        floor.Open.TryRemove(transaction.Id, out _);
    }
});
app.MapGet("/health/ready", () => Results.Ok());
app.MapHub<FloorHub>("/hubs/terminal");
app.Run();

internal sealed class Floor
{
    public ConcurrentDictionary<string, string> Connections { get; } = new();
    public ConcurrentDictionary<Guid, TaskCompletionSource<FloorTransaction>> Open { get; } = new();
}

internal sealed class FloorHub(Floor floor) : Hub
{
    private string Register => (string)Context.Items["register"]!;

    public override Task OnConnectedAsync()
    {
        var register = Context.GetHttpContext()!.Request.Query["access_token"].ToString();
        if (register.Length == 0) throw new HubException("access_token required");
        Context.Items["register"] = register;
        floor.Connections[register] = Context.ConnectionId;
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        floor.Connections.TryRemove(new KeyValuePair<string, string>(Register, Context.ConnectionId));
        return Task.CompletedTask;
    }

    public FloorAck TransactionReceived(string transactionId) => new(floor.Open.ContainsKey(Guid.Parse(transactionId)), null, null);

    public FloorAck TransactionStarted(string transactionId) =>
        new(null, null, Guid.TryParse(transactionId, out _) ? "in_progress" : "unknown");

    public FloorAck CompleteTransaction(FloorResult result)
    {
        if (!floor.Open.TryGetValue(Guid.Parse(result.TransactionId), out var done)) return new(null, false, "unknown");
        var status = result.Outcome == "approved" ? "approved" : "declined";
        done.TrySetResult(new FloorTransaction(Guid.Parse(result.TransactionId), Register, "purchase", null, null, status));
        return new(null, true, status);
    }
}

internal sealed record FloorPayment(string? RegisterId, string? Type, long? Amount, string? Currency);

internal sealed record FloorTransaction(Guid Id, string RegisterId, string Type, long? Amount, string? Currency, string Status);

internal sealed record FloorResult(string TransactionId, string Outcome, string? ResponseCode, string? AuthCode);

internal sealed record FloorAck(bool? Proceed, bool? Accepted, string? Status);

internal static class FloorJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
    }
}
