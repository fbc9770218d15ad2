namespace Relay.Terminal.Simulator;

internal static class SimulatorVersion
{
    /// <summary>The app version the simulator reports: at activation, and in its answer to a ping.</summary>
    public static string? Current { get; } = typeof(SimulatorVersion).Assembly.GetName().Version?.ToString();
}
