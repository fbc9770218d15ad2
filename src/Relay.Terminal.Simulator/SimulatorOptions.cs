namespace Relay.Terminal.Simulator;

public sealed class SimulatorOptions
{
    /// <summary>How long the customer takes to present the card (tests use zero).</summary>
    public TimeSpan CardDelay { get; set; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>How long the customer takes to enter the PIN.</summary>
    public TimeSpan PinDelay { get; set; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>How long the signature question (amounts ending in 54) waits for the POS's answer (5–300 s).</summary>
    public TimeSpan SignatureTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
