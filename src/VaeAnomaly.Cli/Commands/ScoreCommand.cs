using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.IO;
using VaeAnomaly.Reporting;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Cli.Commands;

/// <summary><c>vae-anomaly score</c>: scores sequences with a saved bundle.</summary>
internal static class ScoreCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var bundle = new Option<string>("--model") { Description = "Bundle folder written by 'train'.", Required = true };
        var data = new Option<string>("--data") { Description = "Sequences (a long-format CSV file or a folder whose test.csv is used), or a time-series CSV scored per time step.", Required = true };
        var output = new Option<string>("--out") { Description = "Scores CSV to write, one row per sequence.", Required = true };
        var score = new Option<string>("--score") { Description = "Score that is thresholded: reconstruction, kl or combined.", DefaultValueFactory = _ => "combined" };
        score.AcceptOnlyFromAmong([.. ScoreKinds.All.Select(k => k.Name())]);
        var threshold = ThresholdOption.Create();
        var top = new Option<int>("--top") { Description = "Print the N most anomalous sequences with their strongest channels.", DefaultValueFactory = _ => 0 }.NonNegative();
        var force = new Option<bool>("--force") { Description = "Replace an existing scores file." };
        var series = new SeriesOptionSet();
        var command = new Command("score", "Score sequences with a trained bundle and flag those above its threshold.") { bundle, data, output, score, threshold, top, force };
        series.AddTo(command, withSplit: false);

        command.SetAction((r, ct) => CommandRunner.RunAsync(console, _ =>
        {
            var path = r.GetValue(output)!;
            AtomicFile.EnsureWritable(path, r.GetValue(force));
            using var detector = GruVaeDetector.Load(r.GetValue(bundle)!, r.GetValue(threshold));
            if (DataPaths.IsSeries(r.GetValue(data)!))
            {
                return ScoreSeries(console, detector, series.Read(r, r.GetValue(data)!), r.GetValue(threshold)!, path, r.GetValue(force), r.GetValue(top));
            }

            var set = DataPaths.ReadSequences(r.GetValue(data)!, labels: null, r.GetValue(series.Missing));
            if (DataPaths.DescribeGaps(set) is { } gaps)
            {
                console.WriteLine(gaps);
            }

            var scores = detector.ScoreAll(set);
            var kind = ScoreKinds.Parse(r.GetValue(score)!);
            var rule = r.GetValue(threshold)!;
            var value = detector.Thresholds[kind][rule];
            AtomicFile.Write(path, r.GetValue(force), temp => ScoresCsv.Write(set, scores, temp, kind, value));

            var selected = kind == ScoreKind.Combined ? scores.Combined : scores.Parts.Of(kind);
            console.MarkupLineInterpolated(
                $"Scored {set.Count} sequences; {selected.Count(s => s > value)} above the {rule} threshold {value.ToString("G5", CultureInfo.InvariantCulture)} of the {kind.Name()} score. Wrote [bold]{Path.GetFullPath(path)}[/].");
            var n = r.GetValue(top);
            if (n > 0)
            {
                var table = new Table().Border(TableBorder.Rounded).Title($"top {n} by {kind.Name()} score");
                foreach (var column in new[] { "sequence", kind.Name(), "flagged", "strongest channels (share of error)", "highest-error span" })
                {
                    table.AddColumn(column);
                }

                foreach (var i in Enumerable.Range(0, set.Count).OrderByDescending(i => selected[i]).Take(n))
                {
                    var a = Attribution.Of(set.ChannelNames, scores.Parts, i);
                    table.AddRow(
                        Markup.Escape(set.Sequences[i].Id),
                        selected[i].ToString("G5", CultureInfo.InvariantCulture),
                        selected[i] > value ? "[red]yes[/]" : "no",
                        Markup.Escape(string.Join(", ", a.ChannelShares.Take(3).Select(kv => $"{kv.Key} {kv.Value:P0}"))),
                        $"{a.SpanStart}-{a.SpanEnd - 1}");
                }

                console.Write(table);
            }

            return 0;
        }, ct));
        return command;
    }

    /// <summary>Scores every time step of a series: the squared error averaged over channels and over the windows covering it.</summary>
    private static int ScoreSeries(IAnsiConsole console, GruVaeDetector detector, Series series, string rule, string path, bool force, int top)
    {
        var scores = detector.ScoreAll(series.AsSequenceSet()).Parts.StepErrors[0];
        var value = detector.PointThresholds[rule];
        AtomicFile.Write(path, force, temp => PointScoresCsv.Write(series, scores, value, temp));
        if (series.FilledValues > 0 || series.DroppedRows > 0)
        {
            console.MarkupLineInterpolated($"Missing values: {series.FilledValues} filled, {series.DroppedRows} rows dropped.");
        }

        console.MarkupLineInterpolated(
            $"Scored {series.Length} time steps; {scores.Count(s => s > value)} above the {rule} point threshold {value.ToString("G5", CultureInfo.InvariantCulture)}. Wrote [bold]{Path.GetFullPath(path)}[/].");
        if (top > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).Title($"top {top} time steps");
            table.AddColumn("timestamp");
            table.AddColumn("score");
            foreach (var t in Enumerable.Range(0, series.Length).OrderByDescending(t => scores[t]).Take(top))
            {
                table.AddRow(Markup.Escape(series.Timestamps[t]), scores[t].ToString("G5", CultureInfo.InvariantCulture));
            }

            console.Write(table);
        }

        return 0;
    }
}
