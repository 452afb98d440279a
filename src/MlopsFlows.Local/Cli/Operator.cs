namespace MlopsFlows.Local.Cli;

/// <summary>How the operator verbs end: a usage error (exit code 2) or a refused or failed call (exit code 1).</summary>
internal static class Operator
{
    public static int BadUsage(string command, string problem, string usage)
    {
        Console.Error.WriteLine($"mlopsflows {command}: {problem}");
        Console.Error.WriteLine(usage);
        return 2;
    }

    public static int Failed(string command, string error)
    {
        Console.Error.WriteLine($"mlopsflows {command}: {error}");
        return 1;
    }
}
