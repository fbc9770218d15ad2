using System.Buffers.Text;
using System.Text;

namespace Relay.Api.Infrastructure;

/// <summary>A page of a list: <c>{ items, nextCursor }</c>; pass <c>nextCursor</c> back as <c>?cursor=</c> for the next page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>Keyset paging with an opaque cursor that holds the last item's sort key.</summary>
public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>Checks <c>limit</c> and <c>cursor</c>; on success <paramref name="size"/> is the page size and <paramref name="after"/> the
    /// decoded key.</summary>
    public static bool TryRead(int? limit, string? cursor, out int size, out string? after, out Dictionary<string, string[]> errors)
    {
        errors = [];
        size = limit ?? DefaultLimit;
        after = null;
        if (size is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"limit must be between 1 and {MaxLimit}."];
        }

        if (!string.IsNullOrEmpty(cursor))
        {
            try
            {
                after = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            }
            catch (FormatException)
            {
                errors["cursor"] = ["cursor is not one this API returned."];
            }
        }

        return errors.Count == 0;
    }

    public static string Encode(string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(key));

    /// <summary>Cuts the one extra row a query fetched to learn whether another page exists.</summary>
    public static Page<TOut> Build<TIn, TOut>(List<TIn> rows, int size, Func<TIn, string> key, Func<TIn, TOut> map) =>
        new(rows.Take(size).Select(map).ToList(), rows.Count > size ? Encode(key(rows[size - 1])) : null);

    public static bool TryGuid(string? after, out Guid id)
    {
        id = Guid.Empty;
        return after is not null && Guid.TryParse(after, out id);
    }
}
