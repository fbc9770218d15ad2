using System.Text.Json;
using System.Text.Json.Serialization;
using Relay.Api.Infrastructure;

namespace Relay.Api.Transactions;

/// <summary>
/// A transaction as one of its statements left it, and whether its terminal was connected then: what a transition
/// returns and what its <c>transaction.updated</c> event stores (<c>relay_transaction_updated</c>), so the event and the
/// answer are rendered from the same thing, by <see cref="TransactionMapping.ToResponse"/> alone.
/// </summary>
/// <remarks>
/// The row travels as PostgreSQL's JSON of it (<c>json_build_object('transaction', t, …)</c>), its members named as the
/// columns are: a new column needs no reader and no event SQL (only the create statement lists the columns it inserts).
/// </remarks>
public sealed record TransactionSnapshot(Transaction Transaction, bool TerminalOnline)
{
    /// <summary>A <c>transactions</c> row as JSON: the columns' snake_case names and text enums; result and resolution as stored.</summary>
    private static readonly JsonSerializerOptions Columns = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.Strict,
        Converters =
        {
            new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false),
            new AsStored<TransactionResult>(),
            new AsStored<TransactionResolution>(),
            new AsStored<TransactionOptions>(),
        },
    };

    public TransactionResponse ToResponse() => Transaction.ToResponse(TerminalOnline);

    public static TransactionSnapshot Parse(string json) => JsonSerializer.Deserialize<TransactionSnapshot>(json, Columns)!;

    /// <summary>The jsonb columns hold the wire format (<see cref="Data.JsonColumnConverter{T}"/>), camelCase inside a snake_case
    /// row.</summary>
    private sealed class AsStored<T> : JsonConverter<T>
    {
        public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            JsonSerializer.Deserialize<T>(ref reader, RelayJson.Options);

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value, RelayJson.Options);
    }
}
