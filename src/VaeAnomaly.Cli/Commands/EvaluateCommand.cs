using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using VaeAnomaly.Cli.Console;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Evaluation;
using VaeAnomaly.IO;
using VaeAnomaly.Reporting;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Cli.Commands;

/// <summary><c>vae-anomaly evaluate</c>: metrics, figures and an HTML report of a bundle on labelled data.</summary>
internal static class EvaluateCommand
{
    /// <summary>Files whose line evaluate of several files prints; metrics.json holds every file's.</summary>
    private const int ListedFiles = 20;

    private static readonly JsonSerializerOptions MetricsJson = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create(IAnsiConsole console)
    {
        var bundle = SharedOptions.Bundle();
        var data = SharedOptions.DataFiles("Sequences (a long-format CSV file or a folder whose test.csv is used), or a time series (CSV or .parquet) with --label-column; or several labelled series files (--data a.csv b.csv), each scored on its own and measured together.");
        var labels = new Option<string>("--labels") { Description = "Labels CSV (sequence_id,label[,anomaly_type]); default: NAME_labels.csv beside NAME.csv." };
        var outDir = new Option<string>("--out") { Description = "Folder for metrics.json, report.html and the PNG figures.", Required = true };
        var threshold = ThresholdOption.Create(defaultRule: null, value: true);
        var force = SharedOptions.ForceFolder();
        var pointAdjust = new Option<bool>("--point-adjust") { Description = "Series: also report point-adjusted counts (a labelled segment counts as found when any of its points is flagged), always labelled as such." };
        var series = new SeriesOptionSet();
        var engine = new EngineOptionSet();
        var missing = series.Missing;
        var command = new Command("evaluate", "Measure a trained bundle on labelled sequences or records (report, figures), or on a labelled series (point-level metrics).") { bundle, data, labels, outDir, threshold, force, pointAdjust };
        series.AddTo(command, withSplit: false);
        series.RefuseThresholdWithSurprise(command, threshold);
        engine.AddTo(command);

        command.SetAction((r, ct) => CommandRunner.RunAsync(console, r, token =>
        {
            var (destination, paths) = (r.GetValue(outDir)!, r.GetValue(data)!);
            var dataPath = paths[0];
            if (paths.Length > 1)
            {
                DataPaths.RequireSeriesFiles(paths, "labelled series files, each scored on its own and measured together");
            }

            StagedDirectory.EnsureWritable(destination, r.GetValue(force), [.. paths, r.GetValue(labels), r.GetValue(bundle)]);
            using var loaded = engine.Load(r, r.GetValue(bundle)!, r.GetValue(threshold));
            if (paths.Length > 1)
            {
                return loaded is IScoresPoints severalScorer
                    ? EvaluateFiles(console, r, series, (loaded, severalScorer, loaded as IReconstructsSeries), paths, r.GetValue(pointAdjust), destination, r.GetValue(force), token)
                    : throw RecordsInput.SeveralRefusal(loaded, paths.Length, "evaluate");
            }

            if (!DataPaths.IsSeries(dataPath))
            {
                loaded.Thresholds.Value(); // a rule that could not be fitted is refused with its reason before any work
            }

            if (DataPaths.IsSeries(dataPath) && loaded is IScoresPoints pointScorer)
            {
                return EvaluateSeries(console, r, series, (loaded, pointScorer, loaded as IReconstructsSeries), dataPath, r.GetValue(pointAdjust), destination, r.GetValue(force), token);
            }

            if (ModelOptionSet.Given(r, series.FlagBy))
            {
                throw new ArgumentException("--flag-by applies to a series scored per point; sequences and records are flagged by the bundle's threshold.");
            }

            if (loaded is not IScoresKinds kinds)
            {
                return EvaluateBaseline(console, r, series, loaded, dataPath, (r.GetValue(labels), r.GetValue(pointAdjust)), destination, r.GetValue(force), token);
            }

            var set = DataPaths.ReadSequences(dataPath, r.GetValue(labels), r.GetValue(missing));
            if (DataPaths.DescribeGaps(set) is { } gaps)
            {
                console.WriteLine(gaps);
            }

            RequireBothClasses(set, "sequences", "pass --labels FILE, or put NAME_labels.csv beside NAME.csv");

            token.ThrowIfCancellationRequested();
            var scores = kinds.ScoreAll(set);
            var rule = loaded.Thresholds.Rule;
            IReadOnlyList<ScoreEvaluation> evaluations;
            using (var staged = StagedDirectory.Begin(destination, r.GetValue(force)))
            {
                evaluations = EvaluationReport.Write(loaded, set, scores, rule, staged.Staging, "VaeAnomaly evaluation")!;
                staged.Commit(token);
            }

            console.Write(MetricsTable.Build(evaluations, RandomBaseline.For(set.Labels!.Select(l => l.IsAnomaly).ToArray())));
            console.Write(MetricsTable.BuildByType(evaluations));
            console.MarkupLineInterpolated($"Wrote metrics.json, report.html and figures to [bold]{Path.GetFullPath(destination)}[/].");
            return 0;
        }, ct));
        return command;
    }

    /// <summary>
    /// A baseline bundle on labelled sequences, or on labelled records when it was trained with --records:
    /// metrics.json, report.html and figures, as for the GRU-VAE but for its one score.
    /// </summary>
    private static int EvaluateBaseline(IAnsiConsole console, ParseResult r, SeriesOptionSet options, IFittedDetector detector, string data, (string? Labels, bool PointAdjust) extra, string destination, bool force, CancellationToken ct)
    {
        var labels = extra.Labels;
        SequenceSet set;
        string unit;
        if ((detector as IReadsRecords)?.Encoder is { } encoder)
        {
            if (r.GetValue(options.LabelColumn) is null)
            {
                throw new ArgumentException("Evaluating records needs their labels: name the label column with --label-column.");
            }

            (set, unit) = (RecordsInput.ReadFor(console, r, options, data, encoder, ct), "records");
        }
        else if (DataPaths.IsSeries(data))
        {
            throw RecordsInput.SeriesRefusal(detector, "evaluate"); // a model that scores points took the series path before this
        }
        else
        {
            (set, unit) = (DataPaths.ReadSequences(data, labels, r.GetValue(options.Missing)), "sequences");
            if (DataPaths.DescribeGaps(set) is { } gaps)
            {
                console.WriteLine(gaps);
            }
        }

        RequireBothClasses(set, unit, unit == "records" ? "name the label column with --label-column" : "pass --labels FILE, or put NAME_labels.csv beside NAME.csv");
        var scores = detector.Score(set);
        ScoreEvaluation evaluation;
        using (var staged = StagedDirectory.Begin(destination, force))
        {
            evaluation = EvaluationReport.WriteBaseline(detector, set, scores, staged.Staging, $"VaeAnomaly evaluation: {detector.Name}", unit);
            staged.Commit(ct);
        }

        console.Write(MetricsTable.Build([evaluation], RandomBaseline.For(set.Labels!.Select(l => l.IsAnomaly).ToArray())));
        console.Write(MetricsTable.BuildByType([evaluation]));
        console.MarkupLineInterpolated($"Wrote metrics.json, report.html and figures to [bold]{Path.GetFullPath(destination)}[/].");
        return 0;
    }

    private static void RequireBothClasses(SequenceSet set, string unit, string howToLabel)
    {
        if (set.Labels is null)
        {
            throw new ArgumentException($"Evaluation needs labels: {howToLabel}.");
        }

        if (!set.Labels.Any(l => l.IsAnomaly) || set.Labels.All(l => l.IsAnomaly))
        {
            throw new ArgumentException($"Evaluation needs both normal and anomalous {unit} among the labels.");
        }
    }

    /// <summary>Point-level metrics of a bundle on a labelled series: metrics.json, points.csv, the figures and report.html.</summary>
    private static int EvaluateSeries(IAnsiConsole console, ParseResult r, SeriesOptionSet options, (IFittedDetector Model, IScoresPoints Points, IReconstructsSeries? Reconstructs) model, string path, bool pointAdjust, string destination, bool force, CancellationToken ct)
    {
        var rule = model.Model.Thresholds.Rule;
        if (r.GetValue(options.LabelColumn) is null)
        {
            throw new ArgumentException("Evaluating a series needs its labels: name the 0/1 column with --label-column.");
        }

        var series = options.ReadFor(console, r, path, model.Model, ct);

        LabelledRows.RequireBoth(series.Labels!, path, r.GetValue(options.LabelColumn)!, "evaluate a file that holds both, or score this one without labels");
        var set = series.AsSequenceSet();
        var mode = options.PointScoreOf(r);
        var points = options.Flagged(r, model.Points.ScorePoints(set, new PointScoreRequest(mode), ct: ct), model.Model.TrainingData.TrainSteps);
        if (r.GetValue(options.FlagBy) == "surprise")
        {
            rule = "surprise";
        }

        var scores = points.Scores;
        var errors = model.Reconstructs is { } reconstructs
            ? reconstructs.ReconstructSeries(set).Select((v, i) => v - series.Values[i]).ToArray()
            : []; // a model that does not reconstruct has no MAE or RMSE
        var threshold = points.Threshold;
        ct.ThrowIfCancellationRequested();
        var evaluation = PointEvaluation.Compute(series.Labels!, scores, threshold, errors, pointAdjust);
        using (var staged = StagedDirectory.Begin(destination, force))
        {
            File.WriteAllText(staged.PathOf("metrics.json"), JsonSerializer.Serialize(evaluation, MetricsJson));
            PointScoresCsv.Write(series, scores, threshold, staged.PathOf("points.csv"));
            EvaluationReport.WriteSeries(model.Model, series, new SeriesScoring(scores, threshold, rule, mode.Name(), evaluation, StepExplanations.For(model.Model, series)), staged.Staging,
                $"VaeAnomaly evaluation: {model.Model.Name} on {Path.GetFileName(path)}");
            staged.Commit(ct);
        }

        Print(console, evaluation, $"{series.Length} points, {evaluation.Anomalous} labelled anomalous; {mode.Name()} point scores, {rule} threshold {threshold.ToString("G5", CultureInfo.InvariantCulture)}");
        console.MarkupLineInterpolated($"Wrote metrics.json, points.csv, the figures and report.html to [bold]{Path.GetFullPath(destination)}[/].");
        return 0;
    }

    /// <summary>Prints a series' point-level evaluation: the counts at the threshold (and point-adjusted, when asked for) beside flagging every point, the ranking, and the events.</summary>
    private static void Print(IAnsiConsole console, PointEvaluation evaluation, string title)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(title);
        foreach (var column in new[] { "counting", "precision", "recall", "F1", "accuracy", "false alarms", "missed", "TP", "FP", "FN", "TN" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        void Row(string name, ConfusionCounts c) => table.AddRow(name, F(c.Precision), F(c.Recall), F(c.F1), F(c.Accuracy), F(c.FalseAlarmRate), F(c.MissedAlarmRate),
            $"{c.TruePositives}", $"{c.FalsePositives}", $"{c.FalseNegatives}", $"{c.TrueNegatives}");
        Row("point", evaluation.Confusion);
        if (evaluation.PointAdjusted is { } adjusted)
        {
            Row("point-adjusted", adjusted);
        }

        Row("flag every point", ConfusionCounts.AllFlagged(evaluation.Anomalous, evaluation.Points - evaluation.Anomalous)); // the floor to read the rows above against
        console.Write(table);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"AUC-PR {evaluation.AucPr:F3} (a random score: {evaluation.Random.AucPr:F3}), AUC-ROC {evaluation.AucRoc:F3} (random: 0.500) of the point scores{(evaluation.Mae is { } mae ? $"; reconstruction MAE {mae:G4}, RMSE {evaluation.Rmse:G4}" : "")}."));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Events: {evaluation.Events.Found} of {evaluation.Events.Segments} labelled segments hold a flag (event recall {evaluation.Events.Recall:F3}); {evaluation.Events.FalseEvents} runs of flags touch none (event precision {evaluation.Events.Precision:F3})."));

        static string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Point-level metrics of a bundle on several labelled series files, each scored on its own and measured together
    /// (<see cref="PointEvaluation.Pool"/>: no labelled segment or run of flags spans two files): metrics.json (the pooled
    /// metrics and a line per file), points.csv with a first column <c>file</c>, and each file's report in a folder of its own.
    /// </summary>
    private static int EvaluateFiles(IAnsiConsole console, ParseResult r, SeriesOptionSet options, (IFittedDetector Model, IScoresPoints Points, IReconstructsSeries? Reconstructs) model, string[] paths, bool pointAdjust, string destination, bool force, CancellationToken ct)
    {
        var column = r.GetValue(options.LabelColumn) ?? throw new ArgumentException("Evaluating series needs their labels: name the 0/1 column with --label-column.");
        var mode = options.PointScoreOf(r);
        var rule = r.GetValue(options.FlagBy) == "surprise" ? "surprise" : model.Model.Thresholds.Rule;
        var parts = new List<(ScoredFile File, IReadOnlyList<float> Errors)>();
        var threshold = double.NaN;
        foreach (var path in paths)
        {
            var series = options.ReadFor(console, r, path, model.Model, ct);
            var set = series.AsSequenceSet();
            var points = options.Flagged(r, model.Points.ScorePoints(set, new PointScoreRequest(mode), ct: ct), model.Model.TrainingData.TrainSteps);
            threshold = points.Threshold; // the bundle's, or surprise's probability: the same for every file
            IReadOnlyList<float> errors = model.Reconstructs is { } reconstructs ? [.. reconstructs.ReconstructSeries(set).Select((v, i) => v - series.Values[i])] : [];
            parts.Add((new ScoredFile(path, series, points.Scores, StepExplanations.For(model.Model, series)), errors));
        }

        LabelledRows.RequireBoth([.. parts.SelectMany(p => p.File.Series.Labels!)], string.Join(", ", paths), column, "evaluate files that hold both between them, or score these without labels");
        ct.ThrowIfCancellationRequested();
        var evaluation = PointEvaluation.Pool([.. parts.Select(p => (p.File.Series.Labels!, p.File.Scores, p.Errors))], threshold, pointAdjust);
        var files = new List<FileEvaluation>();
        using (var staged = StagedDirectory.Begin(destination, force))
        {
            foreach (var ((file, _), k) in parts.Select((p, k) => (p, k)))
            {
                var folder = DataPaths.FolderOf(k, file.File);
                var labels = file.Series.Labels!;
                var both = labels.Contains(true) && labels.Contains(false);
                var own = both ? PointEvaluation.Compute(labels, file.Scores, threshold, [], pointAdjust: false) : null;
                Directory.CreateDirectory(staged.PathOf(folder));
                EvaluationReport.WriteSeries(model.Model, both ? file.Series : file.Series with { Labels = null }, new SeriesScoring(file.Scores, threshold, rule, mode.Name(), own, file.Explain), staged.PathOf(folder),
                    $"VaeAnomaly evaluation: {model.Model.Name} on {Path.GetFileName(file.File)}");
                files.Add(new FileEvaluation(file.File, $"{folder}/report.html", file.Series.Length, labels.Count(l => l), file.Scores.Count(s => s > threshold),
                    EventMetrics.Of(labels, [.. file.Scores.Select(s => s > threshold)]), own?.AucPr, own?.AucRoc));
            }

            var json = JsonSerializer.SerializeToNode(evaluation, MetricsJson)!.AsObject();
            json["files"] = JsonSerializer.SerializeToNode(files, MetricsJson);
            File.WriteAllText(staged.PathOf("metrics.json"), json.ToJsonString(MetricsJson));
            PointScoresCsv.Write([.. parts.Select(p => p.File)], threshold, staged.PathOf("points.csv"), explain: false);
            staged.Commit(ct);
        }

        Print(console, evaluation, $"{evaluation.Points} points of {paths.Length} files, {evaluation.Anomalous} labelled anomalous; {mode.Name()} point scores, {rule} threshold {threshold.ToString("G5", CultureInfo.InvariantCulture)}");
        foreach (var f in files.Take(ListedFiles))
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{f.File}: {f.Points} points, {f.Anomalous} labelled anomalous, {f.Flagged} flagged; {f.Events.Found} of {f.Events.Segments} labelled segments found, {f.Events.FalseEvents} false alarms."));
        }

        if (files.Count > ListedFiles)
        {
            console.WriteLine($"... and {files.Count - ListedFiles} more files: each one's line is in metrics.json.");
        }

        console.MarkupLineInterpolated($"Wrote metrics.json, points.csv and each file's report.html and figures to [bold]{Path.GetFullPath(destination)}[/].");
        return 0;
    }

    /// <summary>One file's line in the metrics.json of several files.</summary>
    /// <param name="File">The file as named.</param>
    /// <param name="Report">Its report, relative to the output folder.</param>
    /// <param name="Points">Its points.</param>
    /// <param name="Anomalous">Its points labelled anomalous.</param>
    /// <param name="Flagged">Its points flagged.</param>
    /// <param name="Events">Its labelled segments found and false events.</param>
    /// <param name="AucPr">Its AUC-PR, or null when its labels hold one class.</param>
    /// <param name="AucRoc">Its AUC-ROC, or null when its labels hold one class.</param>
    private sealed record FileEvaluation(string File, string Report, int Points, int Anomalous, int Flagged, EventMetrics Events, double? AucPr, double? AucRoc);
}
