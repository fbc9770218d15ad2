using System.Text.Json;
using Npgsql;
using Relay.Api.Infrastructure;

namespace Relay.Api.Transactions;

/// <summary>
/// Reads <c>transactions</c> rows (RETURNING *) as the entity maps them, for the state machine's statements, which run on
/// the context's connection without EF's query pipeline: a payment makes four of them, one per step.
/// </summary>
public static class TransactionRows
{
    public static Task<List<Transaction>> ReadAllAsync(NpgsqlDataReader reader) => ReadAllAsync(reader, (row, _) => row);

    /// <summary>Each row as <paramref name="each"/> makes it of the transaction and the reader (for columns beyond the table's).</summary>
    public static async Task<List<T>> ReadAllAsync<T>(NpgsqlDataReader reader, Func<Transaction, NpgsqlDataReader, T> each)
    {
        var rows = new List<T>();
        if (!reader.HasRows)
        {
            return rows;
        }

        int Column(string name) => reader.GetOrdinal(name);
        int id = Column("id"), accountId = Column("account_id"), registerId = Column("register_id"), registerName = Column("register_name"),
            terminalId = Column("terminal_id"), type = Column("type"), status = Column("status"), amount = Column("amount"),
            currency = Column("currency"), cashOutAmount = Column("cash_out_amount"), tipAmount = Column("tip_amount"),
            reference = Column("reference"), originalTransactionId = Column("original_transaction_id"), callbackUrl = Column("callback_url"),
            createdAt = Column("created_at"), updatedAt = Column("updated_at"), expiresAt = Column("expires_at"),
            deliveredAt = Column("delivered_at"), startedAt = Column("started_at"), cancelRequestedAt = Column("cancel_requested_at"),
            completedAt = Column("completed_at"), deliveredDeviceId = Column("delivered_device_id"), result = Column("result"),
            resolution = Column("resolution");
        while (await reader.ReadAsync())
        {
            rows.Add(each(new Transaction
            {
                Id = reader.GetGuid(id),
                AccountId = reader.GetGuid(accountId),
                RegisterId = reader.GetString(registerId),
                RegisterName = Nullable<string>(reader, registerName),
                TerminalId = reader.GetGuid(terminalId),
                Type = WireEnum<TransactionType>.Parse(reader.GetString(type)),
                Status = WireEnum<TransactionStatus>.Parse(reader.GetString(status)),
                Amount = Value<long>(reader, amount),
                Currency = Nullable<string>(reader, currency),
                CashOutAmount = Value<long>(reader, cashOutAmount),
                TipAmount = Value<long>(reader, tipAmount),
                Reference = Nullable<string>(reader, reference),
                OriginalTransactionId = Value<Guid>(reader, originalTransactionId),
                CallbackUrl = Nullable<string>(reader, callbackUrl),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(createdAt),
                UpdatedAt = reader.GetFieldValue<DateTimeOffset>(updatedAt),
                ExpiresAt = reader.GetFieldValue<DateTimeOffset>(expiresAt),
                DeliveredAt = Value<DateTimeOffset>(reader, deliveredAt),
                StartedAt = Value<DateTimeOffset>(reader, startedAt),
                CancelRequestedAt = Value<DateTimeOffset>(reader, cancelRequestedAt),
                CompletedAt = Value<DateTimeOffset>(reader, completedAt),
                DeliveredDeviceId = Value<Guid>(reader, deliveredDeviceId),
                Result = Json<TransactionResult>(reader, result),
                Resolution = Json<TransactionResolution>(reader, resolution),
            }, reader));
        }

        return rows;
    }

    private static T? Value<T>(NpgsqlDataReader reader, int column) where T : struct =>
        reader.IsDBNull(column) ? null : reader.GetFieldValue<T>(column);

    private static T? Nullable<T>(NpgsqlDataReader reader, int column) where T : class =>
        reader.IsDBNull(column) ? null : reader.GetFieldValue<T>(column);

    private static T? Json<T>(NpgsqlDataReader reader, int column) where T : class =>
        reader.IsDBNull(column) ? null : JsonSerializer.Deserialize<T>(reader.GetString(column), RelayJson.Options);
}
