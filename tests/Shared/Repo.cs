using System.Diagnostics;

namespace Relay.Testing;

/// <summary>
/// Where the built projects and scripts are, for the suites that run them as processes (tests/Relay.Faults and
/// bench/Relay.Bench link this file; their scripts build the projects in Release first).
/// </summary>
public static class Repo
{
    public static readonly string Root = FindRoot();

    /// <summary>The Release build of a project, by its folder from the root (e.g. <c>src/Relay.Api</c>).</summary>
    public static string Dll(string projectFolder) =>
        Path.Combine(Root, projectFolder, "bin", "Release", "net10.0", Path.GetFileName(projectFolder) + ".dll");

    /// <summary>Runs a bash snippet with scripts/postgres.sh sourced; returns its output, throws with it when it fails.</summary>
    public static async Task<string> BashAsync(string script)
    {
        var info = new ProcessStartInfo("bash", ["-c", "source scripts/postgres.sh && " + script])
        {
            WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"bash failed ({process.ExitCode}): {script}\n{await output}{await error}");
        }

        return await output;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Relay.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("Relay.sln not found above " + AppContext.BaseDirectory);
    }
}
