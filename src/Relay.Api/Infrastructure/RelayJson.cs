using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Relay.Api.Infrastructure;

/// <summary>The one JSON convention of the API, the hub and the database's jsonb columns: camelCase, snake_case enums.</summary>
public static class RelayJson
{
    /// <summary>The convention for request and response bodies (minimal APIs and MVC's formatters alike).</summary>
    public static IServiceCollection AddRelayJson(this IServiceCollection services) => services
        .ConfigureHttpJsonOptions(o => Configure(o.SerializerOptions))
        .Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(o => Configure(o.JsonSerializerOptions));

    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.NumberHandling = JsonNumberHandling.Strict;
        return options;
    }

    /// <summary>What an Idempotency-Key's request is recognised by: the SHA-256 (hex) of its JSON in this convention.</summary>
    public static string HashOf<T>(T request) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, Options)));
}
