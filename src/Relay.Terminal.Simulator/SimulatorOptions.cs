namespace Relay.Terminal.Simulator;

public sealed class SimulatorOptions
{
    /// <summary>How long the customer takes to present the card (tests use zero).</summary>
    public TimeSpan CardDelay { get; set; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>How long the customer takes to enter the PIN, and to answer each question of a <c>collect_inputs</c> action.</summary>
    public TimeSpan PinDelay { get; set; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>How long the signature question (amounts ending in 54) waits for the POS's answer (5–300 s).</summary>
    public TimeSpan SignatureTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Scripted answers to <c>collect_inputs</c> questions, by input id or else by kind; a null value skips the question.
    /// Questions it has no answer for get <see cref="SimulatedInputs.Default"/>. See <see cref="SimulatedInputs.Parse"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string?>? InputAnswers { get; set; }

    /// <summary>
    /// How long it waits for the relay to take a best-effort report (a screen, a receipt, a card event, the start) before
    /// carrying on without it: the customer is not kept waiting for a relay that does not answer.
    /// </summary>
    public TimeSpan RelayPatience { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Where the open batch is kept between runs (<c>&lt;state&gt;/batch.json</c>); null keeps it in memory only.</summary>
    public string? BatchFile { get; set; }
}
