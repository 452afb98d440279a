namespace MlopsFlows.Local.Cli;

internal static class HelpCommand
{
    private const string Text = """
        mlopsflows — governed model releases on Databricks, run locally on a real Durable Task engine.

        Usage:
          mlopsflows serve  [--api-port 7071] [--simulator true] [--data .mlopsflows/azurite] [--task-hub mlopsflows]
                            [--storage <connection string>] [--databricks-url <url> --databricks-token <pat>]
              Runs the engine and the HTTP API on 127.0.0.1 until Ctrl+C. Starts Azurite when nothing answers on
              its ports (10000-10002 unless --azurite-blob-port/--azurite-queue-port/--azurite-table-port).
          mlopsflows demo   [--data .mlopsflows/demo]
              Runs two releases end to end against the Databricks simulator: one approved and promoted, one whose
              canary regresses and is rolled back. Prints each step and where the evidence is.
          mlopsflows verify <release-id> [--storage <connection string>]
              Re-reads every evidence record of a release (each run's chain) and names the first one whose hash
              or link does not match. Exit code 0 when every chain is intact.

        Any setting can also be given as --MlopsFlows:Section:Key=value or an environment variable MlopsFlows__Section__Key.
        """;

    public static int Run()
    {
        Console.WriteLine(Text);
        return 0;
    }

    public static int Unknown(string verb)
    {
        Console.Error.WriteLine($"Unknown command '{verb}'.");
        Console.Error.WriteLine(Text);
        return 2;
    }
}
