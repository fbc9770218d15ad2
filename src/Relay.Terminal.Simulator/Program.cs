using System.CommandLine;
using Relay.Terminal.Simulator.Commands;

var root = new RootCommand("Relay terminal simulator: a card terminal that talks to the relay's terminal hub.")
{
    ActivateCommand.Create(),
    RunCommand.Create(),
};

// Ctrl+C and SIGTERM cancel the command's token; give it a moment to close the connection cleanly.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(5) });
