using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Relay.Tests.Infrastructure;

/// <summary>The real relay (Relay.Api's Program; any type of that assembly names it) in memory, over a real PostgreSQL database.</summary>
public sealed class RelayFactory(
    string connectionString, TimeProvider clock, IReadOnlyDictionary<string, string>? settings = null, LogRecorder? logs = null)
    : WebApplicationFactory<Relay.Api.RelayOptions>
{
    public const string AdminKey = "test-admin-key";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Relay", connectionString);
        builder.UseSetting("Relay:AdminApiKey", AdminKey);
        builder.UseSetting("Relay:RateLimits:ActivationsPerMinute", "100000");
        builder.UseSetting("Relay:RateLimits:PairingsPerMinute", "100000");
        builder.UseSetting("Relay:SweepInterval", "00:00:00.200");
        builder.UseSetting("Serilog:MinimumLevel", "Warning");
        builder.UseSetting("Relay:Metrics:Meter", "Relay." + Guid.NewGuid().ToString("N")); // its own series in a shared process
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            services.Replace(ServiceDescriptor.Singleton(clock));
            if (logs is not null) services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs);
        });
    }
}
