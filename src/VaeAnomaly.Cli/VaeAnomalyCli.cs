using System.CommandLine;
using Spectre.Console;
using VaeAnomaly.Cli.Commands;

namespace VaeAnomaly.Cli;

/// <summary>The <c>vae-anomaly</c> command tree.</summary>
public static class VaeAnomalyCli
{
    /// <summary>
    /// How arguments are parsed: without response files. System.CommandLine would otherwise read any argument that
    /// starts with '@' as a file of more arguments, whole: '@/dev/zero' grew to 8 GB before it was switched off.
    /// </summary>
    public static ParserConfiguration Parsing { get; } = new() { ResponseFileTokenReplacer = null };

    /// <summary>Parses <paramref name="args"/> against the command tree, as the program does.</summary>
    /// <param name="console">The terminal (a <c>TestConsole</c> in tests).</param>
    /// <param name="args">The command line.</param>
    public static ParseResult Parse(IAnsiConsole console, IReadOnlyList<string> args) => Create(console).Parse(args, Parsing);

    /// <summary>Builds the root command; every command writes to <paramref name="console"/>.</summary>
    /// <param name="console">The terminal (a <c>TestConsole</c> in tests).</param>
    public static RootCommand Create(IAnsiConsole console)
    {
        var root = new RootCommand("VaeAnomaly: unsupervised anomaly detection in time series, sequences and tabular records with variational autoencoders and simple reference detectors.");
        var generate = new Command("generate", "Generate benchmark data.");
        generate.Subcommands.Add(GenerateSyntheticCommand.Create(console));
        root.Subcommands.Add(generate);
        root.Subcommands.Add(DemoCommand.Create(console));
        root.Subcommands.Add(TrainCommand.Create(console));
        root.Subcommands.Add(ScoreCommand.Create(console));
        root.Subcommands.Add(EvaluateCommand.Create(console));
        root.Subcommands.Add(CalibrateCommand.Create(console));
        root.Subcommands.Add(ExportCommand.Create(console));
        root.Subcommands.Add(InspectCommand.Create(console));
        root.Subcommands.Add(StudyCommand.Create(console));
        root.Subcommands.Add(CompareCommand.Create(console));
        var benchmark = new Command("benchmark", "Run public benchmarks.");
        benchmark.Subcommands.Add(BenchmarkKddCommand.Create(console));
        benchmark.Subcommands.Add(BenchmarkSkabCommand.Create(console));
        benchmark.Subcommands.Add(BenchmarkNabCommand.Create(console));
        benchmark.Subcommands.Add(BenchmarkSeriesCommand.Create(console));
        benchmark.Subcommands.Add(BenchmarkNabScoreCommand.Create(console));
        root.Subcommands.Add(benchmark);
        root.Subcommands.Add(BenchCommand.Create(console));
        root.Subcommands.Add(ServeCommand.Create(console));
        RefuseMisreadValues(root);
        return root;
    }

    /// <summary>
    /// Two misreadings of a text option (a path, a name, a list; each value of one that takes several) refused at parse time: an empty value (<c>--out ""</c>),
    /// and a value that is an option (<c>score --out --force</c>, <c>--report --explain</c>): the parser gives the next
    /// word to an option that takes a value whatever it is, so a forgotten value became a file or folder named
    /// <c>--force</c> and the option meant was lost. A path that does start with "--" can be written <c>./--name</c>.
    /// </summary>
    private static void RefuseMisreadValues(Command command)
    {
        foreach (var option in command.Options.Where(o => o is Option<string> or Option<string[]>))
        {
            option.Validators.Add(result =>
            {
                foreach (var value in result.Tokens.Select(t => t.Value))
                {
                    if (string.IsNullOrWhiteSpace(value))
                    {
                        result.AddError($"{option.Name} must not be empty.");
                        return;
                    }

                    if (value.StartsWith("--", StringComparison.Ordinal))
                    {
                        var what = command.Options.Any(o => o.Name == value || o.Aliases.Contains(value)) ? "another option of this command" : "not a value";
                        result.AddError($"{option.Name} needs a value, but the word after it is '{value}', {what}; give the value first (to name a path that starts with '--', write ./{value}).");
                        return;
                    }
                }
            });
        }

        foreach (var sub in command.Subcommands)
        {
            RefuseMisreadValues(sub);
        }
    }
}
