using Relay.Api;
using Relay.Api.Accounts;
using Relay.Api.Actions;
using Relay.Api.Cluster;
using Relay.Api.Dashboard;
using Relay.Api.Data;
using Relay.Api.Events;
using Relay.Api.FleetConfiguration;
using Relay.Api.Hubs;
using Relay.Api.Infrastructure;
using Relay.Api.Inputs;
using Relay.Api.Nexo;
using Relay.Api.Pairing;
using Relay.Api.Reports;
using Relay.Api.Security;
using Relay.Api.Settlements;
using Relay.Api.Telemetry;
using Relay.Api.Terminals;
using Relay.Api.Transactions;
using Relay.Api.Webhooks;

var builder = WebApplication.CreateBuilder(args);
builder.AddRelayLogging();
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 1024 * 1024);
// Kestrel runs what a socket's data wakes (parsing, the endpoint or hub method up to its first wait) on the thread that
// read it, not on a thread-pool thread woken for it: a thread hop fewer per request and per terminal message. "Unsafe"
// for code that blocks a thread: the relay's request and hub code never does (it awaits), save the log queue when
// 10,000 lines wait for a blocked standard output.
builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);

builder.Services.Configure<RelayOptions>(builder.Configuration.GetSection("Relay"));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddRelayDatabase(builder.Configuration);
builder.Services.AddRelayAuthentication();
builder.Services.AddRelayRateLimits();
builder.Services.AddRelayHealthChecks();
builder.Services.AddRelayOpenApi();
builder.Services.AddRelayJson();
builder.Services.AddRelayProblems();
builder.Services.AddRelayTelemetry(builder.Configuration);
builder.Services.AddCluster();
builder.Services.AddTerminalHub();
builder.Services.AddEvents();
builder.Services.AddTransactions();
builder.Services.AddPairing();
builder.Services.AddTerminals();
builder.Services.AddInputs();
builder.Services.AddActions();
builder.Services.AddSettlements();
builder.Services.AddFleetConfiguration();
builder.Services.AddWebhooks();
builder.Services.AddDashboard();
builder.Services.AddNexo();

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
app.MapActions();
app.MapSettlements();
app.MapFleetConfiguration();
app.MapReports();
app.MapEvents();
app.MapWebhooks();
app.MapDashboard();
app.MapNexo();
app.MapHub<TerminalHub>(TerminalHub.Path);
app.MapRelayHealth();
app.MapRelayMetrics();
app.MapGet("/", () => Results.Redirect("/swagger")).ExcludeFromDescription();

app.Run();
