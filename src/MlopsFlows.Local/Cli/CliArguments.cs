namespace MlopsFlows.Local.Cli;

/// <summary>A verb's command line: its positional words, <c>--name value</c> (or <c>--name=value</c>) options and bare flags.</summary>
internal sealed class CliArguments
{
    private readonly Dictionary<string, string> options = new(StringComparer.Ordinal);
    private readonly HashSet<string> flags = new(StringComparer.Ordinal);

    private CliArguments()
    {
    }

    public List<string> Positional { get; } = [];

    /// <summary><c>--Section:Key=value</c> settings, for the configuration (see <c>mlopsflows help</c>).</summary>
    public List<string> Settings { get; } = [];

    /// <summary>Splits <paramref name="args"/>; names not in <paramref name="valueOptions"/> or <paramref name="flagOptions"/> are refused.</summary>
    /// <exception cref="ArgumentException">An unknown option, or one without its value.</exception>
    public static CliArguments Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flagOptions)
    {
        var parsed = new CliArguments();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                parsed.Positional.Add(arg);
                continue;
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? arg[2..] : arg[2..equals];
            if (name.Contains(':', StringComparison.Ordinal) && equals > 0)
            {
                parsed.Settings.Add(arg);
            }
            else if (flagOptions.Contains(name) && equals < 0)
            {
                parsed.flags.Add(name);
            }
            else if (valueOptions.Contains(name))
            {
                var value = equals >= 0 ? arg[(equals + 1)..]
                    : i + 1 < args.Count ? args[++i]
                    : throw new ArgumentException($"--{name} needs a value.");
                parsed.options[name] = value;
            }
            else
            {
                throw new ArgumentException($"Unknown option --{name}.");
            }
        }

        return parsed;
    }

    public string? Option(string name) => options.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    public bool Flag(string name) => flags.Contains(name);
}
