namespace MlopsFlows.Local.Demo;

/// <summary>Timestamped demo output, flushed line by line so a CI log reads like the run.</summary>
internal sealed class DemoConsole
{
    public void Say(string line) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");

    public void Heading(string title)
    {
        Console.WriteLine();
        Console.WriteLine($"== {title}");
    }
}
