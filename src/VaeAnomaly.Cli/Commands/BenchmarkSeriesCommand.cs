using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using VaeAnomaly.IO;
using VaeAnomaly.Study;

namespace VaeAnomaly.Cli.Commands;

/// <summary><c>vae-anomaly benchmark series</c>: every model on a folder of labelled train/test series pairs, side by side with the simple detectors.</summary>
internal static class BenchmarkSeriesCommand
{
    /// <summary>The models run when none are named: the VAE family beside the simple detectors.</summary>
    public const string DefaultModels = "gru-vae,dense-vae,conv-ae,pca,knn,iforest,range,gaussian";

    public static Command Create(IAnsiConsole console)
    {
        var data = new Option<string>("--data") { Description = "Folder of NAME.train.csv[.gz] (normal) and NAME.test.csv[.gz] (with a 0/1 label column) pairs, or .parquet files, e.g. ../shared/datasets/smap.", Required = true };
        var pairOptions = new SeriesPairOptionSet(DefaultModels, "series-benchmark");
        var crossFit = new Option<int>("--cross-fit")
        {
            Description = "Also report the crossfit rule: the train file cut into this many blocks in time order, each scored by a model fitted on the other rows, the 0.99 quantile of those scores as threshold (that many more models per pair; 0: off).",
            DefaultValueFactory = _ => 0,
        }.NonNegative();
        var limit = new Option<int>("--files") { Description = "Run only the first N pairs in name order (0: all).", DefaultValueFactory = _ => 0 }.NonNegative();
        var command = new Command("series", "Train each model on each pair's train file and measure its causal point scores and label-free threshold on the test file.") { data, limit, crossFit };
        pairOptions.AddTo(command);

        command.SetAction((r, ct) => CommandRunner.RunAsync(console, r, token =>
        {
            var destination = r.GetValue(pairOptions.Out)!;
            StagedDirectory.EnsureWritable(destination, r.GetValue(pairOptions.Force), r.GetValue(data));
            var (names, options) = pairOptions.Parse(r);
            options = options with { CrossFit = r.GetValue(crossFit) };
            if (options.Online && options.CrossFit > 0)
            {
                throw new ArgumentException("--cross-fit fits a threshold on held-out scores of the train file; with --online on each row is flagged by its surprise, so no fitted threshold is used: give one or the other.");
            }

            if (options.CrossFit == 1)
            {
                throw new ArgumentException("--cross-fit 1 leaves no rows to fit a fold on; give 2 or more blocks (5 is usual), or 0 for none.");
            }

            var pairs = SeriesBenchmark.Read(r.GetValue(data)!, options, token);
            if (r.GetValue(limit) > 0)
            {
                pairs = [.. pairs.Take(r.GetValue(limit))];
            }

            return RunPairs(console, pairs, names, options, (destination, r.GetValue(pairOptions.Force)), r.GetValue(data)!, token);
        }, ct));
        return command;
    }

    /// <summary>
    /// Trains every model on every pair, measures each on the pair's test file, writes <c>summary.json</c> and
    /// <c>files.csv</c> to <paramref name="output"/>, and prints the figures beside a random score's, and every model's
    /// over the pairs all of them ran on when some refused one.
    /// </summary>
    /// <param name="console">Where progress and the tables go.</param>
    /// <param name="pairs">The pairs, read.</param>
    /// <param name="names">The models, by registry name.</param>
    /// <param name="options">How each model is trained and what it watches.</param>
    /// <param name="output">The folder written, and whether it may replace an earlier one of the tool.</param>
    /// <param name="source">What the pairs were read from, named when no pair could be run.</param>
    /// <param name="token">Ctrl+C: stops between models and within training.</param>
    internal static int RunPairs(IAnsiConsole console, IReadOnlyList<SeriesPair> pairs, IReadOnlyList<string> names, SeriesBenchmarkOptions options, (string Folder, bool Force) output, string source, CancellationToken token)
    {
        var destination = output.Folder;
        var (filled, dropped) = (pairs.Sum(p => p.Train.FilledValues + p.Test.FilledValues), pairs.Sum(p => p.Train.DroppedRows + p.Test.DroppedRows));
        if (filled + dropped > 0)
        {
            var withGaps = pairs.Count(p => p.Train.FilledValues + p.Test.FilledValues + p.Train.DroppedRows + p.Test.DroppedRows > 0);
            console.WriteLine($"Missing values: {filled} filled, {dropped} rows dropped (--missing {options.Missing.ToString().ToLowerInvariant()}), in {withGaps} of the pairs.");
        }

        var normalOnly = pairs.Count(p => !p.Test.Labels!.Contains(true));
        console.WriteLine($"Read {pairs.Count} {(pairs.Count == 1 ? "pair" : "pairs")}; each test row is scored causally (by the latest window that ends at it)" + (options.Online ? ", streamed after the train rows through a detector that keeps learning, its score the surprise." : ".")
            + (normalOnly == 0 ? "" : $" {normalOnly} test {(normalOnly == 1 ? "file labels" : "files label")} no anomaly: counted in normal rows flagged and false events, left out of the other means."));
        var results = new List<SeriesFileResult>();
        var notRun = new List<NotRun>();
        foreach (var pair in pairs)
        {
            foreach (var name in names)
            {
                token.ThrowIfCancellationRequested();
                SeriesFileResult result;
                try
                {
                    result = SeriesBenchmark.Run(pair, name, options, token);
                }
                catch (Data.DataFormatException e)
                {
                    // A model that refuses one pair (a file shorter than its window) is said and left out of that pair's
                    // means, not allowed to throw away the hours of training the pairs before it took.
                    notRun.Add(new NotRun(pair.Name, name, e.Message));
                    console.MarkupLineInterpolated($"[yellow]{pair.Name} {name}: not run: {e.Message}[/]");
                    continue;
                }

                results.Add(result);
                console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{pair.Name} {name}{(result.Window is { } w ? $" (window {w})" : "")}{(result.Period is { } period ? $" (period {period})" : "")}: {(result.AucPr is null ? "no anomaly labelled" : $"AUC-PR {result.AucPr:F3}, F1 at threshold {result.F1AtThreshold:F3}, best F1 {result.BestF1:F3}")}, normal rows flagged {result.FlaggedNormal:P1}, false events {result.FalseEvents} ({result.TrainSeconds:F1} s)."));
            }
        }

        if (names.FirstOrDefault(n => !results.Any(x => x.Model == n)) is { } none)
        {
            throw new Data.DataFormatException(source, null, null,
                $"{none} could not be run on any pair, so nothing was written; the first refusal: {notRun.First(x => x.Model == none).Reason}");
        }

        var summary = SeriesSummary.Of(names, results);
        var random = SeriesSummary.RandomOf([.. pairs.Select(p => p.Test.Labels!)]);

        // Where a model refused some pairs its means are over fewer files than the others': the figures of every model
        // over the pairs all of them ran on are the ones to compare.
        var commonFiles = notRun.Count > 0 && names.Count > 1 ? SeriesSummary.CommonFiles(names, results) : null;
        var commonPairs = commonFiles is null ? [] : pairs.Where(p => commonFiles.Contains(p.Name)).ToArray();
        var common = commonFiles is null ? null : new
        {
            files = commonFiles,
            models = SeriesSummary.Of(names, [.. results.Where(x => commonFiles.Contains(x.File))]),
            random = SeriesSummary.RandomOf([.. commonPairs.Select(p => p.Test.Labels!)]),
        };
        using (var staged = StagedDirectory.Begin(destination, output.Force))
        {
            var json = new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
            File.WriteAllText(staged.PathOf("summary.json"), JsonSerializer.Serialize(new { models = summary, random, files = results, notRun, common }, json));
            File.WriteAllLines(staged.PathOf("files.csv"), [
                "file,model,watched,auc_pr,auc_roc,f1_at_threshold,best_f1,pa_f1,event_recall,event_precision,flagged_normal,false_events,threshold,train_seconds,epochs,period,refits",
                .. results.Select(x => string.Create(CultureInfo.InvariantCulture, // a figure that needs an anomaly is an empty cell for a file without one
                    $"{x.File},{x.Model},{string.Join(' ', x.Watched)},{x.AucPr:G6},{x.AucRoc:G6},{x.F1AtThreshold:G6},{x.BestF1:G6},{x.PointAdjustedF1:G6},{x.EventRecall:G6},{x.EventPrecision:G6},{x.FlaggedNormal:G6},{x.FalseEvents},{x.Threshold:G6},{x.TrainSeconds:F2},{x.Epochs},{x.Period},{x.Refits}")),
            ]);
            staged.Commit(token);
        }

        string F(double? v) => v?.ToString("F3", CultureInfo.InvariantCulture) ?? "–";
        Table Figures(string title, IReadOnlyList<SeriesPair> over, IReadOnlyDictionary<string, SeriesSummary> figures, Evaluation.RandomBaseline? baseline)
        {
            var anomalous = over.Count(p => p.Test.Labels!.Contains(true));
            var table = new Table().Border(TableBorder.Rounded).Title($"{title}, " + (options.Online ? "the surprise of a detector that keeps learning, flagged above 0.5" : "causal point scores, label-free thresholds (quantile of validation)")
                + (anomalous == over.Count ? "" : $"; AUC-PR to event precision over the {(anomalous == 1 ? "one test file" : $"{anomalous} test files")} with anomalies"));
            foreach (var column in new[] { "model", "files", "AUC-PR", "AUC-ROC", "F1 @ threshold", "best F1 (oracle)", "PA-F1 (inflated)", "event recall", "event precision", "normal flagged", "false events", "train s" })
            {
                table.AddColumn(new TableColumn(column).RightAligned());
            }

            foreach (var (name, m) in figures)
            {
                table.AddRow([name, m.Files.ToString(CultureInfo.InvariantCulture), .. new[] { m.MeanAucPr, m.MeanAucRoc, m.MeanF1AtThreshold, m.MeanBestF1, m.MeanPaF1, m.EventRecall, m.EventPrecision, m.MeanFlaggedNormal }
                    .Select(F), m.FalseEvents.ToString(CultureInfo.InvariantCulture), m.TrainSeconds.ToString("F1", CultureInfo.InvariantCulture)]);
            }

            table.AddRow([Evaluation.RandomBaseline.Name, anomalous.ToString(CultureInfo.InvariantCulture), F(baseline?.AucPr), F(baseline?.AucRoc), "–", F(baseline?.BestF1), "–", "–", "–", "–", "–", "–"]);
            return table;
        }

        console.Write(Figures(pairs.Count == 1 ? pairs[0].Name : $"{pairs.Count} pairs", pairs, summary, random));
        if (!options.Online) // with --online on every row is flagged by its surprise: no fitted rule applies
        {
            var rules = new Table().Border(TableBorder.Rounded).Title("each label-free rule: mean F1 / mean share of normal rows flagged (files where it could be fitted); surprise adapts to the test series, smoothed flags a 10-row average, each beside the best F1 and AUC-PR of its own scores");
            rules.AddColumn("model");
            var reported = SeriesBenchmark.RulesOf(options);
            foreach (var rule in reported)
            {
                rules.AddColumn(new TableColumn(rule).RightAligned());
            }

            foreach (var (name, m) in summary)
            {
                rules.AddRow([name, .. reported.Select(rule => m.Rules.TryGetValue(rule, out var o)
                ? string.Create(CultureInfo.InvariantCulture, $"{F(o.MeanF1)} / {o.MeanFlaggedNormal:P1} ({o.Files}){(o.MeanBestF1 is { } best ? $"; best F1 {best:F3}" : "")}{(o.MeanAucPr is { } auc ? $", AUC-PR {auc:F3}" : "")}")
                : "not fitted")]);
            }

            console.Write(rules);
        }
        if (notRun.Count > 0)
        {
            console.MarkupLineInterpolated($"[yellow]Not run: {notRun.Count} of {pairs.Count * names.Count} model and pair combinations (not_run in summary.json); those models' means are over the pairs in their files column.[/]");
            if (common is not null)
            {
                console.Write(commonPairs.Length == 0
                    ? new Markup("[yellow]No pair was run by every model, so no figures compare them over the same files.[/]\n")
                    : Figures($"The {commonPairs.Length} of {pairs.Count} pairs every model ran on (common in summary.json): the figures to compare", commonPairs, common.models, common.random));
            }
        }

        console.MarkupLineInterpolated($"Wrote summary.json and files.csv to [bold]{Path.GetFullPath(destination)}[/].");
        return 0;
    }

    /// <summary>A model a pair's data refused (summary.json's <c>not_run</c>).</summary>
    private sealed record NotRun(string File, string Model, string Reason);
}
