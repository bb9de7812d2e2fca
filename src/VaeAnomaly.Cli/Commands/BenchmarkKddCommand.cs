using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using VaeAnomaly.IO;
using VaeAnomaly.Reporting;
using VaeAnomaly.Study;

namespace VaeAnomaly.Cli.Commands;

/// <summary><c>vae-anomaly benchmark kdd99</c>: the dense VAE and dense autoencoder on KDD Cup 99 records.</summary>
internal static class BenchmarkKddCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var data = new Option<string>("--data") { Description = "The KDD Cup 99 file, e.g. ../shared/datasets/kddcup99/kddcup.data_10_percent.gz.", Required = true };
        var subset = new Option<KddSubset>("--config") { Description = "SA (every normal record plus 3,377 attacks drawn with replacement) or full (every record).", DefaultValueFactory = _ => KddSubset.SA };
        var outDir = new Option<string>("--out") { Description = "Folder for summary.json, pr.png, roc.png and the confusion matrices.", DefaultValueFactory = _ => "kdd99-benchmark" };
        var seed = SharedOptions.Seed("Seed of the split, the attack draw and the models.", 42);
        var epochs = new Option<int>("--epochs") { Description = "Largest number of epochs per model (early stopping on validation loss).", DefaultValueFactory = _ => 40 }.Positive();
        var force = SharedOptions.ForceFolder();
        var command = new Command("kdd99", "Train the dense VAE and dense autoencoder (and beside them pca, knn and iforest) on KDD Cup 99 normals and measure them on held-out normals and attacks.") { data, subset, outDir, seed, epochs, force };

        command.SetAction((r, ct) => CommandRunner.RunAsync(console, r, token =>
        {
            var destination = r.GetValue(outDir)!;
            StagedDirectory.EnsureWritable(destination, r.GetValue(force), r.GetValue(data));
            var result = KddBenchmark.Run(r.GetValue(data)!, r.GetValue(subset), r.GetValue(seed), r.GetValue(epochs),
                new Console.ActionProgress<string>(line => console.WriteLine(line)), token);
            var table = WriteRecordsResults(result.Models, result.Labels, (destination, r.GetValue(force)),
                $"KDD Cup 99 {result.Subset}, seed {result.Seed}: test {result.Test} records ({result.Labels.Count(l => l)} attacks)", token);
            table.AddRow("isolation forest (issue)", "0.984", "0.912", "", "", "", "", "", "", "", "");
            console.Write(table);
            console.MarkupLineInterpolated($"Wrote summary.json, pr.png, roc.png and confusion matrices to [bold]{Path.GetFullPath(destination)}[/].");
            return 0;
        }, ct));
        return command;
    }

    /// <summary>
    /// Writes models' results on labelled records to <paramref name="output"/> (<c>summary.json</c> with a random score's
    /// row, <c>pr.png</c>, <c>roc.png</c> and a confusion matrix per model) and returns their table, the random row last.
    /// </summary>
    /// <param name="models">Each model's result.</param>
    /// <param name="labels">Per test record, whether it is anomalous.</param>
    /// <param name="output">The folder, and whether it may replace an earlier one of the tool.</param>
    /// <param name="title">The table's title.</param>
    /// <param name="token">Ctrl+C: the folder is not put in place.</param>
    internal static Table WriteRecordsResults(IReadOnlyList<RecordsModelResult> models, bool[] labels, (string Folder, bool Force) output, string title, CancellationToken token)
    {
        var random = Evaluation.RandomBaseline.For(labels);
        using (var staged = StagedDirectory.Begin(output.Folder, output.Force))
        {
            var summary = models.ToDictionary(m => m.Model, object (m) => m);
            summary[Evaluation.RandomBaseline.Name] = random; // the row every model is read against
            File.WriteAllText(staged.PathOf("summary.json"), JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
            var scores = models.Select(m => KeyValuePair.Create(m.Model, m.Scores)).ToArray();
            RankingCurvePlot.SavePrecisionRecall(labels, scores, staged.PathOf("pr.png"));
            RankingCurvePlot.SaveRoc(labels, scores, staged.PathOf("roc.png"));
            foreach (var m in models)
            {
                ConfusionMatrixPlot.Save(m.Confusion, $"{m.Model} at the validation 0.99 quantile", staged.PathOf($"confusion-{m.Model}.png"));
            }

            staged.Commit(token);
        }

        var table = new Table().Border(TableBorder.Rounded).Title(title);
        foreach (var column in new[] { "model", "AUC-ROC", "AUC-PR", "F1", "threshold", "TP", "FP", "TN", "FN", "epochs", "train s" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var m in models)
        {
            table.AddRow([m.Model, .. new[] { m.AucRoc, m.AucPr, m.F1 }.Select(v => v.ToString("F3", CultureInfo.InvariantCulture)),
                m.Threshold.ToString("G4", CultureInfo.InvariantCulture),
                $"{m.Confusion.TruePositives}", $"{m.Confusion.FalsePositives}", $"{m.Confusion.TrueNegatives}", $"{m.Confusion.FalseNegatives}",
                $"{m.Epochs}", m.Seconds.ToString("F1", CultureInfo.InvariantCulture)]);
        }

        table.AddRow([Evaluation.RandomBaseline.Name, .. new[] { random.AucRoc, random.AucPr, random.BestF1 }.Select(v => v.ToString("F3", CultureInfo.InvariantCulture)), "flag all", "", "", "", "", "", ""]);
        return table;
    }
}
