namespace Relay.Api.Infrastructure;

public static class Clock
{
    /// <summary>Now, at PostgreSQL's precision (microseconds), so what a create answers equals what a later read returns.</summary>
    public static DateTimeOffset Now(this TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % 10));
    }
}
