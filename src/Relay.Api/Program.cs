using Microsoft.AspNetCore.SignalR;
using Relay.Api;
using Relay.Api.Accounts;
using Relay.Api.Cluster;
using Relay.Api.Data;
using Relay.Api.Events;
using Relay.Api.Hubs;
using Relay.Api.Infrastructure;
using Relay.Api.Pairing;
using Relay.Api.Security;
using Relay.Api.Terminals;
using Relay.Api.Transactions;
using Relay.Api.Webhooks;

var builder = WebApplication.CreateBuilder(args);
builder.AddRelayLogging();
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 1024 * 1024);
// Kestrel runs what a socket's data wakes (parsing, the endpoint or hub method up to its first wait) on the thread that
// read it, not on a thread-pool thread woken for it: a thread hop fewer per request and per terminal message (1,000
// terminals at 100 payments/s: p50 4.8 -> 4.1 ms, relay CPU 24 -> 20%). "Unsafe" for code that blocks a thread: the relay's
// request and hub code never does (it awaits), save the log queue when 10,000 lines wait for a blocked standard output.
builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);

builder.Services.Configure<RelayOptions>(builder.Configuration.GetSection("Relay"));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddRelayDatabase(builder.Configuration);
builder.Services.AddRelayAuthentication();
builder.Services.AddRelayRateLimits();
builder.Services.AddRelayHealthChecks();
builder.Services.AddRelayOpenApi();
builder.Services.ConfigureHttpJsonOptions(o => RelayJson.Configure(o.SerializerOptions));
builder.Services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(o => RelayJson.Configure(o.JsonSerializerOptions));
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
    c.ProblemDetails.Extensions.TryAdd("code", Problems.DefaultCode(c.ProblemDetails.Status)));
builder.Services.AddSingleton<IProblemDetailsWriter, ProblemJsonWriter>(); // after the framework's: answers whatever Accept it declines
builder.Services.AddExceptionHandler<ExceptionToProblem>();
builder.Services.AddSignalR(o =>
    {
        o.AddFilter<HubErrors>();
        o.EnableDetailedErrors = true; // safe: HubErrors lets only refusals' own messages through (a binding error says what it is)
        o.MaximumReceiveMessageSize = 256 * 1024;
        o.KeepAliveInterval = TimeSpan.FromSeconds(15); // the terminal hears from the relay at least this often (SignalR's default, half the clients' 30 s)
        o.ClientTimeoutInterval = TimeSpan.FromSeconds(30); // a terminal silent this long (no keep-alive) is disconnected
    })
    .AddJsonProtocol(o => RelayJson.Configure(o.PayloadSerializerOptions));

builder.Services.AddSingleton<TerminalConnections>();
builder.Services.AddSingleton<TransactionWaiters>();
builder.Services.AddSingleton<EventSignals>();
builder.Services.AddSingleton<EventSequencer>();
builder.Services.AddHostedService(s => s.GetRequiredService<EventSequencer>());
builder.Services.AddScoped<EventLog>();
builder.Services.AddScoped<TerminalChannel>();
builder.Services.AddSingleton<TerminalPresence>();
builder.Services.AddScoped<TransactionStateMachine>();
builder.Services.AddScoped<TransactionService>();
builder.Services.AddScoped<PairingService>();
builder.Services.AddScoped<TerminalMessages>();
builder.Services.AddHostedService<ExpirySweeper>();
builder.Services.AddSingleton<ThisInstance>();
builder.Services.AddSingleton<Peers>();
builder.Services.AddHostedService<InstanceHeartbeat>();
builder.Services.AddHostedService<PeerListener>();
builder.Services.AddSingleton<WebhookUrls>();
builder.Services.AddHostedService<WebhookDispatcher>();

var app = builder.Build();
await app.MigrateDatabaseAsync();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRequestLogging();
app.UseDraining(TerminalHub.Path);
app.UseRelayOpenApi();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseRequestEdge();

app.MapAccounts();
app.MapTerminals();
app.MapTerminalActivation();
app.MapPairing();
app.MapTransactions();
app.MapInputs();
app.MapEvents();
app.MapWebhooks();
app.MapHub<TerminalHub>(TerminalHub.Path);
app.MapRelayHealth();
app.MapGet("/", () => Results.Redirect("/swagger")).ExcludeFromDescription();

app.Run();
