using System.CommandLine;

namespace Relay.Terminal.Simulator.Commands;

internal static class CommonOptions
{
    public const string ProjectRun = "dotnet run --project src/Relay.Terminal.Simulator --";

    public static Option<string> State() => new("--state")
    {
        Description = "Folder for the terminal's credentials (terminal.json) and its result outbox",
        DefaultValueFactory = _ => ".simulator",
    };

    public static int Fail(string message, int exitCode = 1)
    {
        Console.Error.WriteLine(message);
        return exitCode;
    }
}
