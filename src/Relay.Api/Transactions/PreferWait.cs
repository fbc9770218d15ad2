namespace Relay.Api.Transactions;

/// <summary>RFC 7240 <c>Prefer: wait=N</c>: how long the client is willing to wait for a final answer.</summary>
public static class PreferWait
{
    public const int MaxSeconds = 60;

    /// <summary>The wait asked for, capped at 60 s; null without a valid <c>wait</c> preference. Several Prefer headers arrive
    /// comma-joined.</summary>
    public static TimeSpan? Parse(string? header)
    {
        foreach (var preference in (header ?? "").Split([',', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = preference.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length == 2 && parts[0].Equals("wait", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(parts[1].Trim('"'), out var seconds) && seconds >= 0)
            {
                return TimeSpan.FromSeconds(Math.Min(seconds, MaxSeconds));
            }
        }

        return null;
    }
}
