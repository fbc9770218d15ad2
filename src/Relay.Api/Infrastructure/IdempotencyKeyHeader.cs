using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Relay.Api.Infrastructure;

/// <summary>The <c>Idempotency-Key</c> header that every creating POST needs (transactions, terminal actions).</summary>
public static class IdempotencyKeyHeader
{
    /// <summary>The prefix of the keys the nexo facade makes of ServiceIDs (Nexo.NexoCall.KeyOf): not a client's to use.</summary>
    public const string Reserved = "nexo:";

    /// <summary>False, with the problem to answer, unless the header is a usable key (1–255 characters, no control
    /// characters, not starting <see cref="Reserved"/>).</summary>
    public static bool IsUsable(
        [NotNullWhen(true)] string? key, string what, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        problem = string.IsNullOrEmpty(key)
            ? Problems.Of(400, "idempotency-key-missing", "The Idempotency-Key header is required",
                $"Send a unique key (a UUID is fine) and reuse it when retrying the same {what}.")
            : key.Length > 255 || !TextRules.IsClean(key)
                ? Problems.Validation("Idempotency-Key",
                    "The Idempotency-Key header must be 1–255 characters, without control characters.")
                : key.StartsWith(Reserved, StringComparison.Ordinal)
                    ? Problems.Validation("Idempotency-Key", $"Idempotency-Keys starting '{Reserved}' are the nexo facade's own.")
                    : null;
        return problem is null;
    }
}
