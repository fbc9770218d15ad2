namespace Relay.Api.Infrastructure;

public static class Clock
{
    /// <summary>Now, at PostgreSQL's precision (microseconds), so what a create answers equals what a later read returns.</summary>
    public static DateTimeOffset Now(this TimeProvider clock) => clock.GetUtcNow().AsStored();

    /// <summary>
    /// A time as PostgreSQL stores it: in UTC (Npgsql writes no other offset) and to the microsecond, so a terminal's
    /// <c>+13:00</c> is taken, and a retry of the same report compares equal to what was stored.
    /// </summary>
    public static DateTimeOffset AsStored(this DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return utc.AddTicks(-(utc.Ticks % 10));
    }
}
