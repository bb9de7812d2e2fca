using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.IO;
using VaeAnomaly.Study;

namespace VaeAnomaly.Cli.Commands;

/// <summary>
/// <c>vae-anomaly compare synthetic</c>: every catalog model on synthetic-v1 over several seeds; <c>compare sequences</c> on a
/// folder of the user's sequences; <c>compare series</c> and <c>compare records</c> (their own files) on the user's series and records.
/// </summary>
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
            var runs = ModelComparison.Run(picked, seedList, r.GetValue(jobs), data, Progress(console), token);
            return Report(console, picked, runs, ("synthetic-v1", seedList.Length), (destination, r.GetValue(force)), token);
        }, ct));
        var command = new Command("compare", "Compare models side by side: on generated data, or on your own series or records.");
        command.Subcommands.Add(synthetic);
        command.Subcommands.Add(CompareSeriesCommand.Create(console));
        command.Subcommands.Add(CompareRecordsCommand.Create(console));
        command.Subcommands.Add(Sequences(console));
        return command;
    }

    /// <summary><c>compare sequences</c>: the models on a folder of the user's sequences in the synthetic-v1 layout, the seeds varying the models only.</summary>
    private static Command Sequences(IAnsiConsole console)
    {
        var data = new Option<string>("--data") { Description = "A folder of sequences in the synthetic-v1 layout: train.csv and val.csv (normal), test.csv with test_labels.csv (sequence_id,label[,anomaly_type]).", Required = true };
        var models = new Option<string>("--models") { Description = "all (every model but seasonal, which needs one series' rhythm), or names such as 'lstm-ae,gru-vae' or 'conv-ae v2'.", DefaultValueFactory = _ => "all" };
        var seeds = new Option<int>("--seeds") { Description = "Number of seeds (1..N) of the models; the data stay the same.", DefaultValueFactory = _ => 3 }.Positive(1_000);
        var jobs = new Option<int>("--jobs") { Description = "Runs in parallel (default: the number of cores).", DefaultValueFactory = _ => Environment.ProcessorCount }.Positive(256);
        var missing = SeriesOptionSet.CreateMissing();
        var outDir = new Option<string>("--out") { Description = "Folder for compare.md and compare.json.", DefaultValueFactory = _ => "compare-sequences" };
        var force = SharedOptions.ForceFolder();
        var command = new Command("sequences", "Train every model on a folder's normal sequences for each seed; report AUC-PR, recall@95%P, F1 on its labelled test sequences (mean ± std) and training time, beside a random score.")
        {
            data, models, seeds, jobs, missing, outDir, force,
        };
        command.SetAction((r, ct) => CommandRunner.RunAsync(console, r, token =>
        {
            var (folder, destination) = (r.GetValue(data)!, r.GetValue(outDir)!);
            StagedDirectory.EnsureWritable(destination, r.GetValue(force), folder);
            var picked = DetectorRegistry.Select(r.GetValue(models)!);
            var (train, validation, test) = (SequenceFolder.Read(folder, "train", r.GetValue(missing)), SequenceFolder.Read(folder, "val", r.GetValue(missing)), SequenceFolder.Read(folder, "test", r.GetValue(missing)));
            if (test.Labels is null)
            {
                throw new DataFormatException(Path.Combine(folder, "test_labels.csv"), null, null, "is missing: the test sequences' labels (sequence_id,label) are what the models are measured against");
            }

            LabelledRows.RequireBoth([.. test.Labels.Select(l => l.IsAnomaly)], Path.Combine(folder, "test_labels.csv"), "label", "label some test sequences anomalous (1) and some normal (0)");
            var seedList = Enumerable.Range(1, r.GetValue(seeds)).ToArray();
            console.WriteLine($"{picked.Count} models x {seedList.Length} seeds on {folder} ({train.Count}/{validation.Count}/{test.Count} sequences), {r.GetValue(jobs)} at a time.");
            var runs = ModelComparison.Run(picked, seedList, r.GetValue(jobs), (train, validation, test), Progress(console), token);
            return Report(console, picked, runs, (Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))), seedList.Length), (destination, r.GetValue(force)), token);
        }, ct));
        return command;
    }

    private static Console.ActionProgress<ComparisonRun> Progress(IAnsiConsole console) => new(run => console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{run.Model} seed {run.Seed}: AUC-PR {run.AucPr:F3}, recall@95%P {run.RecallAt95:F3}, F1 {run.F1:F3} ({run.TrainSeconds:F1} s)")));

    /// <summary>Writes <c>compare.md</c> and <c>compare.json</c> and prints the table of the runs: mean ± std over seeds, the random row last.</summary>
    private static int Report(IAnsiConsole console, IReadOnlyList<ModelVersion> picked, IReadOnlyList<ComparisonRun> runs, (string Data, int Seeds) over, (string Folder, bool Force) output, CancellationToken token)
    {
        var markdown = ModelComparison.Markdown(picked, runs);
        using (var staged = StagedDirectory.Begin(output.Folder, output.Force))
        {
            File.WriteAllText(staged.PathOf("compare.md"), $"# Model comparison on {over.Data}, seeds 1-{over.Seeds}\n\n{markdown}");
            File.WriteAllText(staged.PathOf("compare.json"), JsonSerializer.Serialize(runs, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
            staged.Commit(token);
        }

        var table = new Table().Border(TableBorder.Rounded).Title($"{Markup.Escape(over.Data)}, seeds 1-{over.Seeds}: mean ± std");
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
        console.MarkupLineInterpolated($"Wrote compare.md and compare.json to [bold]{Path.GetFullPath(output.Folder)}[/].");
        return 0;
    }
}
