using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.IO;
using VaeAnomaly.Study;

namespace VaeAnomaly.Cli.Commands;

/// <summary><c>vae-anomaly compare synthetic</c>: every catalog model on synthetic-v1 over several seeds; <c>compare series</c> (<see cref="CompareSeriesCommand"/>) on the user's own series.</summary>
internal static class CompareCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var defaults = new SyntheticOptions();
        var models = new Option<string>("--models") { Description = "all (every model but seasonal, which needs one series' rhythm), or names such as 'lstm-ae,gru-vae' or 'conv-ae v2'.", DefaultValueFactory = _ => "all" };
        var seeds = new Option<int>("--seeds") { Description = "Number of seeds (1..N); each varies the data and the models.", DefaultValueFactory = _ => 5 }.Positive(1_000);
        var jobs = new Option<int>("--jobs") { Description = "Runs in parallel (default: the number of cores).", DefaultValueFactory = _ => Environment.ProcessorCount }.Positive(256);
        var outDir = new Option<string>("--out") { Description = "Folder for compare.md and compare.json.", DefaultValueFactory = _ => "compare" };
        var force = SharedOptions.ForceFolder();
        var train = new Option<int>("--train") { Description = "Generated training sequences.", DefaultValueFactory = _ => defaults.Train }.Positive();
        var val = new Option<int>("--val") { Description = "Generated validation sequences.", DefaultValueFactory = _ => defaults.Validation }.Positive();
        var test = new Option<int>("--test") { Description = "Generated test sequences.", DefaultValueFactory = _ => defaults.Test }.Positive();
        var synthetic = new Command("synthetic", "Train every model on synthetic-v1 for each seed; report AUC-PR, recall@95%P, F1 (mean ± std) and training time.")
        {
            models, seeds, jobs, outDir, force, train, val, test,
        };
        synthetic.SetAction((r, ct) => CommandRunner.RunAsync(console, r, token =>
        {
            var destination = r.GetValue(outDir)!;
            StagedDirectory.EnsureWritable(destination, r.GetValue(force));
            var picked = DetectorRegistry.Select(r.GetValue(models)!);
            var seedList = Enumerable.Range(1, r.GetValue(seeds)).ToArray();
            var data = defaults with { Train = r.GetValue(train), Validation = r.GetValue(val), Test = r.GetValue(test) };
            console.WriteLine($"{picked.Count} models x {seedList.Length} seeds on synthetic-v1 ({data.Train}/{data.Validation}/{data.Test}), {r.GetValue(jobs)} at a time.");
            var runs = ModelComparison.Run(picked, seedList, r.GetValue(jobs), data,
                new Console.ActionProgress<ComparisonRun>(run => console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{run.Model} seed {run.Seed}: AUC-PR {run.AucPr:F3}, recall@95%P {run.RecallAt95:F3}, F1 {run.F1:F3} ({run.TrainSeconds:F1} s)"))),
                token);
            var markdown = ModelComparison.Markdown(picked, runs);
            using (var staged = StagedDirectory.Begin(destination, r.GetValue(force)))
            {
                File.WriteAllText(staged.PathOf("compare.md"), $"# Model comparison on synthetic-v1, seeds 1-{seedList.Length}\n\n{markdown}");
                File.WriteAllText(staged.PathOf("compare.json"), JsonSerializer.Serialize(runs, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
                staged.Commit(token);
            }

            var table = new Table().Border(TableBorder.Rounded).Title($"synthetic-v1, seeds 1-{seedList.Length}: mean ± std");
            foreach (var column in new[] { "model", "AUC-PR", "recall@95%P", "F1", "train s" })
            {
                table.AddColumn(new TableColumn(column).RightAligned());
            }

            foreach (var line in markdown.Split('\n').Skip(2).Where(l => l.StartsWith('|')))
            {
                var cells = line.Trim('|', ' ').Split(" | ");
                table.AddRow(Markup.Escape(cells[0]), cells[2], cells[3], cells[4], cells[5]);
            }

            console.Write(table);
            console.MarkupLineInterpolated($"Wrote compare.md and compare.json to [bold]{Path.GetFullPath(destination)}[/].");
            return 0;
        }, ct));
        var command = new Command("compare", "Compare models side by side: on generated data, or on your own series or records.");
        command.Subcommands.Add(synthetic);
        command.Subcommands.Add(CompareSeriesCommand.Create(console));
        command.Subcommands.Add(CompareRecordsCommand.Create(console));
        return command;
    }
}
