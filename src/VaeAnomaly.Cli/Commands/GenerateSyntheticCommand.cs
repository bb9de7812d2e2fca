using System.CommandLine;
using Spectre.Console;
using VaeAnomaly.Data;
using VaeAnomaly.IO;
using VaeAnomaly.Models;

namespace VaeAnomaly.Cli.Commands;

/// <summary><c>vae-anomaly generate synthetic</c>: writes the synthetic-v1 benchmark files.</summary>
internal static class GenerateSyntheticCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var defaults = new SyntheticOptions();
        var outDir = new Option<string>("--out") { Description = "Folder to write train/val/test CSV files and their labels into.", Required = true };
        var seed = SharedOptions.Seed("Seed; the same seed gives the same files.", defaults.Seed);
        var channels = new Option<int>("--channels") { Description = "Channels C.", DefaultValueFactory = _ => defaults.Channels }.Positive(4_096);
        var clusters = new Option<int>("--clusters") { Description = "Pattern clusters K.", DefaultValueFactory = _ => defaults.Clusters }.Positive(10_000);
        var train = new Option<int>("--train") { Description = "Training sequences.", DefaultValueFactory = _ => defaults.Train }.Positive();
        var val = new Option<int>("--val") { Description = "Validation sequences (normal).", DefaultValueFactory = _ => defaults.Validation }.Positive();
        var test = new Option<int>("--test") { Description = "Test sequences.", DefaultValueFactory = _ => defaults.Test }.Positive();
        var ratio = new Option<double>("--anomaly-ratio") { Description = "Fraction of anomalous test sequences.", DefaultValueFactory = _ => defaults.AnomalyRatio }.InRange(0, 1);
        var contamination = new Option<double>("--contamination") { Description = "Fraction of anomalous training sequences.", DefaultValueFactory = _ => 0.0 }.InRange(0, 1);
        var minLength = new Option<int>("--min-length") { Description = "Shortest sequence.", DefaultValueFactory = _ => defaults.MinLength }.Positive(GruVaeOptions.MaxSize);
        var maxLength = new Option<int>("--max-length") { Description = "Longest sequence.", DefaultValueFactory = _ => defaults.MaxLength }.Positive(GruVaeOptions.MaxSize);
        var force = SharedOptions.ForceFolder();

        var command = new Command("synthetic", "Generate the synthetic-v1 benchmark (shared/specs/synthetic-v1.md).")
        {
            outDir, seed, channels, clusters, train, val, test, ratio, contamination, minLength, maxLength, force,
        };
        command.SetAction((r, ct) => CommandRunner.RunAsync(console, r, token =>
        {
            var options = new SyntheticOptions
            {
                Seed = r.GetValue(seed),
                Channels = r.GetValue(channels),
                Clusters = r.GetValue(clusters),
                Train = r.GetValue(train),
                Validation = r.GetValue(val),
                Test = r.GetValue(test),
                AnomalyRatio = r.GetValue(ratio),
                Contamination = r.GetValue(contamination),
                MinLength = r.GetValue(minLength),
                MaxLength = r.GetValue(maxLength),
            };
            options.Validate();
            using var staged = StagedDirectory.Begin(r.GetValue(outDir)!, r.GetValue(force));
            var data = new SyntheticGenerator(options).Generate(token);
            SequenceFolder.Write(data, staged.Staging, token);
            staged.Commit(token);
            console.MarkupLineInterpolated(
                $"Wrote synthetic-v1 (seed {options.Seed}): {data.Train.Set.Count} train, {data.Validation.Set.Count} val, {data.Test.Set.Count} test sequences ({data.Test.Set.Labels!.Count(l => l.IsAnomaly)} anomalous) to [bold]{staged.Destination}[/].");
            return 0;
        }, ct));
        return command;
    }
}
