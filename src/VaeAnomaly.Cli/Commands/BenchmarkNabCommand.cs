using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using VaeAnomaly.IO;
using VaeAnomaly.Study;

namespace VaeAnomaly.Cli.Commands;

/// <summary><c>vae-anomaly benchmark nab</c>: NAB as a streaming detector, written in NAB's results layout.</summary>
internal static class BenchmarkNabCommand
{
    /// <summary>Published NAB scores (standard profile), for scale; NAB's own scorer computes ours from the written files.</summary>
    private static readonly (string Name, double Score)[] Published =
    [
        ("ARTime", 74.9), ("Numenta HTM", 70.5), ("CAD OSE", 69.9), ("earthgecko Skyline", 58.2), ("KNN CAD", 58.0),
        ("Relative Entropy", 54.6), ("Random Cut Forest", 51.7), ("Windowed Gaussian", 39.6), ("Random", 11.0),
    ];

    public static Command Create(IAnsiConsole console)
    {
        var data = new Option<string>("--data") { Description = "The NAB data folder (one folder per category; any subset of files).", Required = true };
        var labels = new Option<string>("--labels") { Description = "NAB's combined_windows.json (default: the one in --data)." };
        var outDir = new Option<string>("--out") { Description = "Results folder: DETECTOR/<category>/DETECTOR_<file>.csv and summary.json.", DefaultValueFactory = _ => "nab-results" };
        var name = new Option<string>("--detector-name") { Description = "Detector name in the results layout (no '_').", DefaultValueFactory = _ => "vaeAnomaly" };
        var seed = SharedOptions.Seed("Seed of every file's model.", 0);
        var epochs = new Option<int>("--epochs") { Description = "Largest number of epochs per file (early stopping on the last quarter of the probationary rows).", DefaultValueFactory = _ => 20 }.Positive();
        var window = SharedOptions.Window("Window length in rows, or auto: each file's own period (the lag of the highest local maximum of the autocorrelation of its probationary rows less their validation quarter, 8-256 rows; 32 when there is none).", "32");
        var force = SharedOptions.ForceFolder();
        var anomalyScore = new Option<string>("--anomaly-score")
        {
            Description = "surprise: how far the window score lies in the tail of the previous probation-length rows' scores (adapts to drift, default); distance: its distance above the validation threshold.",
            DefaultValueFactory = _ => "surprise",
        };
        anomalyScore.AcceptOnlyFromAmong("surprise", "distance");
        var model = BenchmarkModelOption.Create(" (a+b: an ensemble, combined by likelihood)", NabBenchmark.DefaultModel);
        var online = SharedOptions.Choice("--online", "on (default): keep learning as each file streams (the model fitted again every quarter of the probationary length on the newest rows judged normal, none within a window of a flag); off: the model trained on the probationary rows only (and what --anomaly-score distance alone gives).", "on", "on", "off");
        var guard = SharedOptions.Guard();
        var rest = SharedOptions.Rest("auto", "a resting row is written with the score 0 (auto by default: by the rule of docs/benchmark-log.md it raised every simple detector's NAB score).");
        var smooth = SharedOptions.Smooth("off");
        var command = new Command("nab", "Run NAB as a streaming detector: train on each file's probationary rows, score every later row from the past only.")
        {
            data, labels, outDir, name, seed, epochs, window, force, anomalyScore, model, online, guard, rest, smooth,
        };

        command.SetAction((r, ct) => CommandRunner.RunAsync(console, r, token =>
        {
            var destination = r.GetValue(outDir)!;
            var root = r.GetValue(data)!;
            var detector = r.GetValue(name)!;
            _ = NabBenchmark.ResultsPath(detector, "check/name.csv");
            BenchmarkModelOption.Check(r.GetValue(model)!, ensembles: true);

            StagedDirectory.EnsureWritable(destination, r.GetValue(force), root, r.GetValue(labels));
            var files = NabBenchmark.Files(root); // first: a --data that is no folder is said as such, not as a missing labels file
            var labelWindows = NabBenchmark.ReadWindows(r.GetValue(labels) ?? Path.Combine(root, "combined_windows.json"));
            var unlabelled = files.Where(f => !labelWindows.ContainsKey(f)).ToArray();
            if (unlabelled.Length > 0)
            {
                throw new ArgumentException($"The labels file has no entry for {unlabelled.Length} file(s), e.g. '{unlabelled[0]}'; expected NAB's combined_windows.json for this data folder.");
            }

            var learns = r.GetValue(online) == "on" && (r.GetValue(anomalyScore) == "surprise" || ModelOptionSet.Given(r, online));
            var options = new NabOptions(SharedOptions.WindowOf(r.GetValue(window))!.Value, r.GetValue(epochs), r.GetValue(seed), Surprise: r.GetValue(anomalyScore) == "surprise", Model: r.GetValue(model)!, Online: learns, Guard: SharedOptions.Guarded(r, guard, learns),
                Rest: Streaming.AlarmRest.Parse(r.GetValue(rest)!), Average: Scoring.ScoreAverage.Parse(r.GetValue(smooth)!));
            if (!options.Average.IsOff && !options.Surprise)
            {
                throw new ArgumentException("--smooth averages the scores whose surprise is judged; it does not apply to --anomaly-score distance.");
            }

            foreach (var key in files)
            {
                NabBenchmark.CheckFile(root, key, labelWindows[key], options); // every file first: a short one stops the run before any work
            }

            var results = new List<NabFileResult>();
            foreach (var key in files)
            {
                var result = NabBenchmark.RunFile(root, key, labelWindows[key], options, token);
                results.Add(result);
                var one = NabBenchmark.Summarise([result]);
                console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{key}: {result.Series.Length} rows, probation {result.Probation}{(result.Window is { } w ? $", window {w}" : "")}; windows found {one.WindowsFound}/{one.Windows}, flags {one.Points.TruePositives + one.Points.FalsePositives} ({result.Epochs} epochs, {result.Refits} refits, {result.Seconds:F1} s)"));
            }

            var summary = NabBenchmark.Summarise(results);
            var inputs = results.Select(NabBenchmark.ScoringInput).ToArray();
            var nab = NabProfile.All.Select(p => NabScorer.Score(inputs, p)).ToArray();
            using (var staged = StagedDirectory.Begin(destination, r.GetValue(force)))
            {
                foreach (var result in results)
                {
                    var path = staged.PathOf(NabBenchmark.ResultsPath(detector, result.Key));
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    NabBenchmark.WriteResults(result, path);
                }

                var json = new Dictionary<string, object>
                {
                    ["detector"] = detector,
                    ["model"] = options.Model,
                    ["files"] = summary.Files,
                    ["windows"] = summary.Windows,
                    ["windows_found"] = summary.WindowsFound,
                    ["window_recall"] = summary.WindowRecall,
                    ["point_precision"] = summary.Points.Precision,
                    ["point_recall"] = summary.Points.Recall,
                    ["point_f1"] = summary.Points.F1,
                    ["tp"] = summary.Points.TruePositives,
                    ["fp"] = summary.Points.FalsePositives,
                    ["tn"] = summary.Points.TrueNegatives,
                    ["fn"] = summary.Points.FalseNegatives,
                    ["seed"] = r.GetValue(seed),
                    ["window"] = options.Window == 0 ? "auto" : options.Window,
                    ["epochs"] = options.Epochs,
                    ["anomaly_score"] = r.GetValue(anomalyScore)!,
                    ["online"] = options.Online,
                    ["guard"] = options.Guard,
                    ["rest"] = options.Rest.ToString(),
                    ["smooth"] = options.Average.ToString(),
                    ["seconds"] = results.Sum(x => x.Seconds),
                    ["nab_scores"] = nab.ToDictionary(n => n.Profile.Name, n => new Dictionary<string, object?>
                    {
                        ["score"] = n.Scored is { } score ? Math.Round(score, 2) : null,
                        ["raw"] = n.Raw,
                        ["threshold"] = n.Threshold,
                        ["windows"] = n.Windows,
                        ["windows_detected"] = n.Detected,
                        ["false_positives"] = n.FalsePositives,
                    }),
                };
                File.WriteAllText(staged.PathOf("summary.json"), JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
                staged.Commit(token);
            }

            var table = new Table().Border(TableBorder.Rounded).Title($"NAB, {summary.Files} files, flags after the probationary periods");
            table.AddColumn("windows found");
            table.AddColumn(new TableColumn("window recall").RightAligned());
            table.AddColumn(new TableColumn("point precision").RightAligned());
            table.AddColumn(new TableColumn("point recall").RightAligned());
            table.AddColumn(new TableColumn("point F1").RightAligned());
            table.AddRow($"{summary.WindowsFound} / {summary.Windows}", F(summary.WindowRecall), F(summary.Points.Precision), F(summary.Points.Recall), F(summary.Points.F1));
            console.Write(table);
            var scores = new Table().Border(TableBorder.Rounded).Title("NAB score, standard profile (our implementation of NAB's scoring rules; published rows for scale)");
            scores.AddColumn("detector");
            scores.AddColumn(new TableColumn("NAB score").RightAligned());
            var mine = ($"VaeAnomaly {options.Model} (seed {r.GetValue(seed)}, {summary.Files} files{(options.Rest == Streaming.AlarmRest.Off ? "" : $", rest {options.Rest}")})", nab[0].Normalized);
            foreach (var row in Published.Append(mine).OrderByDescending(x => x.Item2))
            {
                scores.AddRow(row.Item1 == mine.Item1 ? $"[bold]{Markup.Escape(row.Item1)}[/]" : Markup.Escape(row.Item1), row.Item1 == mine.Item1 ? nab[0].Shown : row.Item2.ToString("F1", CultureInfo.InvariantCulture));
            }

            console.Write(scores);
            console.WriteLine(string.Join("; ", nab.Select(n => string.Create(CultureInfo.InvariantCulture,
                $"{n.Profile.Name} {n.Shown} (threshold {n.Threshold:G4}, {n.Detected}/{n.Windows} windows, {n.FalsePositives} false positives)"))) + ".");
            if (summary.Files != 58)
            {
                console.WriteLine($"The published scores cover NAB's 58 files; this run scored {summary.Files}, so they are a guide, not a like-for-like comparison.");
            }

            console.MarkupLineInterpolated($"Wrote NAB's results layout to [bold]{Path.GetFullPath(Path.Combine(destination, detector))}[/]; NAB's scorer reads it to compute the NAB score.");
            return 0;

            static string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
        }, ct));
        return command;
    }
}
