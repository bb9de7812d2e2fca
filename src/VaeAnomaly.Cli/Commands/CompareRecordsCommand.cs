using System.CommandLine;
using Spectre.Console;
using VaeAnomaly.Detectors;
using VaeAnomaly.IO;
using VaeAnomaly.Study;

namespace VaeAnomaly.Cli.Commands;

/// <summary>
/// <c>vae-anomaly compare records</c>: the models of records side by side on one labelled CSV of the user's, split as KDD
/// Cup 99's benchmark splits its records: which model ranks these anomalies best, and what its threshold flags.
/// </summary>
internal static class CompareRecordsCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var takers = DetectorRegistry.All.Where(e => e.Settings.Contains("records")).Select(e => e.Name).ToArray();
        var data = new Option<string>("--data") { Description = "A CSV of records (a header, number and text columns) with a label column (--label-column: 0, false or normal for a normal record).", Required = true };
        var models = SharedOptions.NameList("--models", $"Models to compare, comma-separated, among those that take records [default: {string.Join(",", takers)}].");
        var csv = new SeriesOptionSet(); // the CSV options: --label-column, --columns, --delimiter, --missing
        var seed = SharedOptions.Seed("Seed of the split and of every model.", 42);
        var epochs = new Option<int>("--epochs") { Description = "Largest number of epochs of the models that train (early stopping on the validation records' loss).", DefaultValueFactory = _ => 40 }.Positive();
        var outDir = new Option<string>("--out") { Description = "Folder for summary.json, pr.png, roc.png and the confusion matrices.", DefaultValueFactory = _ => "compare-records" };
        var force = SharedOptions.ForceFolder();
        var command = new Command("records", "Train each model of records on 60% of a labelled CSV's normal records (20% validate) and measure it on the other 20% beside every labelled anomaly, with a random score's row.")
        {
            data, csv.LabelColumn, models, csv.Columns, csv.Delimiter, csv.Missing, seed, epochs, outDir, force,
        };
        command.SetAction((r, ct) => CommandRunner.RunAsync(console, r, token =>
        {
            var names = SharedOptions.Names(r, models) ?? takers;
            if (names.FirstOrDefault(n => !takers.Contains(n)) is { } other)
            {
                _ = DetectorRegistry.Find(other); // an unknown name says so, listing the models
                throw new ArgumentException($"{other} does not take records; the models of records are {string.Join(", ", takers)}.");
            }

            var (destination, path) = (r.GetValue(outDir)!, r.GetValue(data)!);
            StagedDirectory.EnsureWritable(destination, r.GetValue(force), path);
            var (sets, labels, encoder) = RecordsInput.SplitLabelled(console, r, csv, path, r.GetValue(seed), token);
            var results = RecordsComparison.Run(names, sets, labels, encoder, r.GetValue(seed), r.GetValue(epochs), new Console.ActionProgress<string>(line => console.WriteLine(line)), token);
            console.Write(BenchmarkKddCommand.WriteRecordsResults(results, labels, (destination, r.GetValue(force)),
                $"{Path.GetFileName(path)}, seed {r.GetValue(seed)}: {labels.Length} records measured ({labels.Count(l => l)} labelled anomalous)", token));
            console.MarkupLineInterpolated($"Wrote summary.json, pr.png, roc.png and confusion matrices to [bold]{Path.GetFullPath(destination)}[/].");
            return 0;
        }, ct));
        return command;
    }
}
