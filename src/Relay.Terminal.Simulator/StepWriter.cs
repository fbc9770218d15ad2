namespace Relay.Terminal.Simulator;

/// <summary>Timestamped lines from several tasks, never interleaved mid-line.</summary>
internal sealed class StepWriter(TextWriter output)
{
    private readonly Lock _lock = new();

    public void Print(string message)
    {
        lock (_lock)
        {
            output.WriteLine($"[{DateTimeOffset.Now:HH:mm:ss.fff}] {message}");
            output.Flush();
        }
    }

    public void PrintBlock(params string[] lines)
    {
        lock (_lock)
        {
            foreach (var line in lines)
            {
                output.WriteLine(line);
            }

            output.Flush();
        }
    }
}
