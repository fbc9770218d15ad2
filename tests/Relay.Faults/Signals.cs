using System.Diagnostics;

namespace Relay.Faults;

/// <summary>POSIX signals .NET has no API for: freezing a process (SIGSTOP) and letting it go on (SIGCONT).</summary>
public static class Signals
{
    public static void Freeze(int pid) => Send("-STOP", pid);

    public static void Resume(int pid) => Send("-CONT", pid);

    private static void Send(string signal, int pid)
    {
        using var kill = Process.Start("kill", [signal, pid.ToString()]);
        kill.WaitForExit();
    }
}
