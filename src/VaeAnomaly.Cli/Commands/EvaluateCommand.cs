using System.CommandLine;
using Spectre.Console;
using VaeAnomaly.Cli.Console;
using VaeAnomaly.Detectors;
using VaeAnomaly.Evaluation;
using VaeAnomaly.IO;
using VaeAnomaly.Reporting;

namespace VaeAnomaly.Cli.Commands;

/// <summary><c>vae-anomaly evaluate</c>: metrics, figures and an HTML report of a bundle on labelled data.</summary>
internal static class EvaluateCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var bundle = new Option<string>("--model") { Description = "Bundle folder written by 'train'.", Required = true };
        var data = new Option<string>("--data") { Description = "Sequences: a long-format CSV file or a folder whose test.csv is used.", Required = true };
        var labels = new Option<string>("--labels") { Description = "Labels CSV (sequence_id,label[,anomaly_type]); default: NAME_labels.csv beside NAME.csv." };
        var outDir = new Option<string>("--out") { Description = "Folder for metrics.json, report.html and the PNG figures.", Required = true };
        var threshold = ThresholdOption.Create();
        var force = new Option<bool>("--force") { Description = "Replace a non-empty output folder." };
        var missing = SeriesOptionSet.CreateMissing();
        var command = new Command("evaluate", "Measure a trained bundle on labelled sequences and write a report.") { bundle, data, labels, outDir, threshold, force, missing };

        command.SetAction((r, ct) => CommandRunner.RunAsync(console, _ =>
        {
            var destination = r.GetValue(outDir)!;
            StagedDirectory.EnsureWritable(destination, r.GetValue(force));
            StagedDirectory.EnsureOutside(destination, r.GetValue(data)!);
            using var detector = GruVaeDetector.Load(r.GetValue(bundle)!, r.GetValue(threshold));
            var set = DataPaths.ReadSequences(r.GetValue(data)!, r.GetValue(labels), r.GetValue(missing));
            if (DataPaths.DescribeGaps(set) is { } gaps)
            {
                console.WriteLine(gaps);
            }

            if (set.Labels is null)
            {
                throw new ArgumentException("Evaluation needs labels: pass --labels FILE, or put NAME_labels.csv beside NAME.csv.");
            }

            if (!set.Labels.Any(l => l.IsAnomaly) || set.Labels.All(l => l.IsAnomaly))
            {
                throw new ArgumentException("Evaluation needs both normal and anomalous sequences among the labels.");
            }

            var scores = detector.ScoreAll(set);
            var rule = r.GetValue(threshold)!;
            IReadOnlyList<ScoreEvaluation> evaluations;
            using (var staged = StagedDirectory.Begin(destination, r.GetValue(force)))
            {
                evaluations = EvaluationReport.Write(detector, set, scores, rule, staged.Staging, "VaeAnomaly evaluation")!;
                staged.Commit();
            }

            console.Write(MetricsTable.Build(evaluations, RandomBaseline.For(set.Labels.Select(l => l.IsAnomaly).ToArray())));
            console.Write(MetricsTable.BuildByType(evaluations));
            console.MarkupLineInterpolated($"Wrote metrics.json, report.html and figures to [bold]{Path.GetFullPath(destination)}[/].");
            return 0;
        }, ct));
        return command;
    }
}
