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
          mlopsflows verify --packet <file> [--key <trusted public key PEM file or SHA-256 fingerprint>]
              Checks an audit packet offline, with nothing but the file: the signature over its manifest (and, with
              --key, that the trusted key made it), the manifest against its published schema, every record's hash
              and link, and that each section follows from the records. Names the first broken record.

        Operating a running host (over its HTTP API: --api <url>, default MlopsFlows:Cli:Api or http://127.0.0.1:7071;
        who is acting: --by <who>, default MlopsFlows:Cli:By; signed in with --token <Entra token for the API>, default
        MlopsFlows:Cli:Token, else through a local host's development sign-in as --by). Exit code 0 accepted, 1 refused or
        unreachable, 2 bad usage.
          mlopsflows incidents list [--all] [--model <model>]
              Open incidents (--all: every one kept), newest first: model, kind, severity, status, times, escalation.
          mlopsflows incidents show <id>
              One incident: what broke, deadlines, actions and who took them, its evidence and, once resolved, the review.
          mlopsflows incidents ack <id> [--note <text>]
              Take ownership: no escalation and no automatic action.
          mlopsflows incidents act <id> rollback|retrain --rationale <text>
              Run a runbook action now: roll production back to the previous version, or start the retraining job.
          mlopsflows incidents suppress <id> <minutes> --rationale <text>
              Silence it for a while; the acknowledgement clock restarts when the suppression ends.
          mlopsflows incidents resolve <id> [--note <text>]
              Close it; the post-incident review is written from its evidence.
          mlopsflows monitors list [--all] [--model <model>]
              Running monitors (--all: stopped ones too): version watched, health, checks, lateness, open incidents.
          mlopsflows monitors show <model> <environment>
              One monitor: its rules, the last check and its result, the next check, open incidents.
          mlopsflows monitors stop <model> <environment> --reason <text>
              Stop watching a retired model; the monitor records who and why.

          mlopsflows packet <release-id> [--run <run-id>] [--out <folder>]
              Downloads the signed audit packet of a release (its latest run unless --run): a zip with the manifest,
              every evidence record, the HTML document and the PDF where the host renders one; writes the HTML and
              PDF beside it and verifies the packet at once.
          mlopsflows review --from <date> --to <date> [--pdf] [--out <folder>]
              Model-risk review export: the packet of every release that ended in [from, to), the incidents opened
              then, and a signed index (index.json, index.html); each packet is verified as it arrives.

          mlopsflows policy check [folder]
              Validates policy files as the hosts do at start-up (schema, then the rules the schema cannot say) and
              prints each set's id, version and SHA-256, or every error as file:line:column: reason (exit code 1).

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
