namespace MlopsFlows.Local.Demo;

/// <summary>Timestamped demo output, flushed line by line so a CI log reads like the run.</summary>
internal static class DemoConsole
{
    public static void Say(string line) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");

    public static void Heading(string title)
    {
        Console.WriteLine();
        Console.WriteLine($"== {title}");
    }
}
