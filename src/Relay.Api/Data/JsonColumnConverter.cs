using System.Text.Json;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Relay.Api.Infrastructure;

namespace Relay.Api.Data;

/// <summary>Stores a small record as a jsonb document in the wire format, so it can be set in one conditional UPDATE.</summary>
public sealed class JsonColumnConverter<T>() : ValueConverter<T?, string?>(
    v => v == null ? null : JsonSerializer.Serialize(v, RelayJson.Options),
    s => s == null ? default : JsonSerializer.Deserialize<T>(s, RelayJson.Options))
    where T : class;
