using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using VaeAnomaly.Data;
using VaeAnomaly.Evaluation;
using VaeAnomaly.IO;
using VaeAnomaly.Study;

namespace VaeAnomaly.Cli.Commands;

/// <summary><c>vae-anomaly benchmark skab</c>: the SKAB leaderboard protocol with a fresh GRU-VAE per file.</summary>
internal static class BenchmarkSkabCommand
{
    /// <summary>The leaderboard's published rows (F1, FAR %, MAR %; NaN where not published), for the table.</summary>
    private static readonly (string Name, double F1, double Far, double Mar)[] Published =
    [
        ("Conv-AE", 0.78, 13.55, 28.02), ("MSET", 0.78, double.NaN, double.NaN), ("T-squared+Q", 0.76, double.NaN, double.NaN),
        ("LSTM-AE", 0.74, double.NaN, double.NaN), ("LSTM-VAE", 0.56, double.NaN, double.NaN), ("Vanilla AE", 0.39, double.NaN, double.NaN),
        ("Isolation forest", 0.29, double.NaN, double.NaN),
    ];

    public static Command Create(IAnsiConsole console)
    {
        var data = new Option<string>("--data") { Description = "The SKAB folder (valve1, valve2, other; any subset of its files).", Required = true };
        var model = BenchmarkModelOption.Create("");
        var outDir = new Option<string>("--out") { Description = "Folder for predictions/<folder>/<file>.csv, summary.json and, with SKAB's anomaly-free recording, anomaly-free/piece-<k>.csv (its flags, every one a false alarm).", DefaultValueFactory = _ => "skab-benchmark" };
        var seed = SharedOptions.Seed("Seed of every file's model.", 0);
        var epochs = new Option<int>("--epochs") { Description = "Largest number of epochs per file (early stopping on the last 10% of training windows).", DefaultValueFactory = _ => 30 }.Positive();
        var force = SharedOptions.ForceFolder();
        var protocol = new Option<string>("--protocol")
        {
            Description = "leaderboard: exactly as the leaderboard was computed; ours: the default GRU-VAE on 32-step windows, combined score of the latest window ending at each row, threshold by --threshold on the last 100 of the 400 training rows.",
            DefaultValueFactory = _ => "leaderboard",
        };
        protocol.AcceptOnlyFromAmong("leaderboard", "ours");
        var threshold = ThresholdOption.Create();
        var levelsText = new Option<string>("--window-levels")
        {
            Description = "Leaderboard protocol: keep (the leaderboard's way) or remove each window's own mean per channel, so that the model sees shapes, not levels: slow drift no longer raises scores, and neither does a lasting level shift.",
            DefaultValueFactory = _ => "keep",
        };
        levelsText.AcceptOnlyFromAmong("keep", "remove");
        var flagBy = new Option<string>("--flag-by")
        {
            Description = "Ours protocol: threshold (the --threshold rule's value on the validation windows) or surprise (the score next to the previous 400 rows' scores, flagged above 0.5 = a tail of 1e-5, as for NAB).",
            DefaultValueFactory = _ => "threshold",
        };
        flagBy.AcceptOnlyFromAmong("threshold", "surprise");
        var online = SharedOptions.Choice("--online", "Ours protocol: on flags each row by its surprise while the model keeps learning (fitted again every 100 rows after the first 400 on the newest rows judged normal); off (default) keeps the model trained on the first 400 rows.", "off", "on", "off");
        var guard = SharedOptions.Guard();
        var smooth = SharedOptions.Smooth("off");
        var command = new Command("skab", "Run SKAB exactly as its leaderboard was computed (first 400 rows train, 60-step windows, UCL = 4/3 x the 0.999 quantile), or with our own choices (--protocol ours).")
        {
            data, model, outDir, seed, epochs, force, protocol, threshold, levelsText, flagBy, online, guard, smooth,
        };

        command.SetAction((r, ct) => CommandRunner.RunAsync(console, r, token =>
        {
            var destination = r.GetValue(outDir)!;
            StagedDirectory.EnsureWritable(destination, r.GetValue(force), r.GetValue(data));
            var root = r.GetValue(data)!;
            var modelName = r.GetValue(model)!;
            BenchmarkModelOption.Check(modelName);
            var files = SkabBenchmark.Files(root);
            var results = new List<(string Folder, string File, SkabFileResult Result)>();
            var ours = r.GetValue(protocol) == "ours";
            if (!ours && ModelOptionSet.Given(r, threshold))
            {
                throw new ArgumentException("--threshold applies to --protocol ours; the leaderboard protocol's threshold is its UCL.");
            }

            var levels = r.GetValue(levelsText) == "remove" ? WindowLevels.Remove : WindowLevels.Keep;
            var learns = r.GetValue(online) == "on";
            if (learns && (!ours || (ModelOptionSet.Given(r, flagBy) && r.GetValue(flagBy) != "surprise")))
            {
                throw new ArgumentException("--online on applies to --protocol ours and flags by surprise; the leaderboard protocol and --flag-by threshold keep the model fixed.");
            }

            var guarded = SharedOptions.Guarded(r, guard, learns); // refuses --guard on without online learning
            var flags = learns ? (guarded ? SkabFlags.OnlineGuarded : SkabFlags.Online) : r.GetValue(flagBy) == "surprise" ? SkabFlags.Surprise : SkabFlags.Threshold;
            var average = Scoring.ScoreAverage.Parse(r.GetValue(smooth)!);
            SkabBenchmark.CheckAverage(flags, average); // before anything is written

            if (!ours && ModelOptionSet.Given(r, flagBy))
            {
                throw new ArgumentException("--flag-by applies to --protocol ours; the leaderboard protocol flags by its UCL and 59-window rule.");
            }

            if (flags != SkabFlags.Threshold && ModelOptionSet.Given(r, threshold))
            {
                throw new ArgumentException("--threshold does not apply with --flag-by surprise, which flags by the surprise of the scores (above 0.5), not by a fitted threshold.");
            }

            if (ours && ModelOptionSet.Given(r, levelsText))
            {
                throw new ArgumentException("--window-levels applies to the leaderboard protocol; --protocol ours scores the model's windows as they are.");
            }

            foreach (var (folder, file) in files)
            {
                SkabBenchmark.CheckFile(Path.Combine(root, folder, file), ours); // every file first: a bad one stops the run before any work
            }

            if (File.Exists(SkabBenchmark.AnomalyFreePath(root)))
            {
                SkabBenchmark.CheckFile(SkabBenchmark.AnomalyFreePath(root), ours, labelled: false);
            }

            foreach (var (folder, file) in files)
            {
                var result = ours
                    ? SkabBenchmark.RunFileOurs(Path.Combine(root, folder, file), r.GetValue(seed), r.GetValue(epochs), r.GetValue(threshold)!, flags, token, modelName, average)
                    : SkabBenchmark.RunFile(Path.Combine(root, folder, file), r.GetValue(seed), r.GetValue(epochs), levels, modelName, token);
                results.Add((folder, file, result));
                var c = result.Counts;
                console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{folder}/{file}: TP {c.TruePositives} FP {c.FalsePositives} TN {c.TrueNegatives} FN {c.FalseNegatives} ({result.Epochs} epochs, {result.Seconds:F1} s)"));
            }

            // Label-free check: every test row of the anomaly-free recording is normal, so each flag is a false alarm.
            var anomalyFree = default(FalseAlarms);
            var pieceResults = new List<SkabFileResult>();
            var anomalyFreePath = SkabBenchmark.AnomalyFreePath(root);
            if (File.Exists(anomalyFreePath))
            {
                foreach (var piece in SkabBenchmark.RunAnomalyFree(anomalyFreePath, r.GetValue(protocol)!, r.GetValue(seed), r.GetValue(epochs), levels, r.GetValue(threshold)!, flags, modelName, token, average))
                {
                    anomalyFree += new FalseAlarms(piece.Flags.Count(f => f), piece.Flags.Length);
                    pieceResults.Add(piece);
                    console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"anomaly-free piece {pieceResults.Count}: {piece.Flags.Count(f => f)} of {piece.Flags.Length} test rows flagged ({piece.Epochs} epochs, {piece.Seconds:F1} s)"));
                }
            }

            var total = new ConfusionCounts(
                results.Sum(x => x.Result.Counts.TruePositives), results.Sum(x => x.Result.Counts.FalsePositives),
                results.Sum(x => x.Result.Counts.TrueNegatives), results.Sum(x => x.Result.Counts.FalseNegatives));
            var (f1, far, mar) = SkabProtocol.Metrics(total);

            // What flagging every test row gets on the same labels: the floor any detector is to be read against.
            var flagAll = SkabProtocol.Metrics(ConfusionCounts.AllFlagged(total.TruePositives + total.FalseNegatives, total.FalsePositives + total.TrueNegatives));
            var before = results.Aggregate(default(FalseAlarms), (sum, x) => sum + x.Result.FalseAlarmsByPlace.Before);
            var after = results.Aggregate(default(FalseAlarms), (sum, x) => sum + x.Result.FalseAlarmsByPlace.After);
            var pieces = pieceResults.Count;
            using (var staged = StagedDirectory.Begin(destination, r.GetValue(force)))
            {
                // The leaderboard's layout: datetime;anomaly per test row.
                void WriteFlags(string folder, string file, SkabFileResult result)
                {
                    Directory.CreateDirectory(staged.PathOf(folder));
                    File.WriteAllLines(staged.PathOf(Path.Combine(folder, file)), ["datetime;anomaly", .. result.Timestamps.Select((t, i) => $"{t};{(result.Flags[i] ? 1 : 0)}")]);
                }

                foreach (var (folder, file, result) in results)
                {
                    WriteFlags(Path.Combine("predictions", folder), file, result);
                }

                // The anomaly-free pieces' flags, apart from predictions/ (not part of the leaderboard's layout): where its false alarms fall.
                for (var k = 0; k < pieceResults.Count; k++)
                {
                    WriteFlags("anomaly-free", $"piece-{k + 1}.csv", pieceResults[k]);
                }

                var summary = new Dictionary<string, object>
                {
                    ["model"] = r.GetValue(model)!,
                    ["protocol"] = r.GetValue(protocol)!,
                    ["threshold"] = ours ? r.GetValue(threshold)! : "ucl",
                    ["flag_by"] = ours ? (learns ? "surprise" : r.GetValue(flagBy)!) : "ucl",
                    ["online"] = learns,
                    ["smooth"] = average.ToString(),
                    ["f1"] = f1,
                    ["flag_all_f1"] = flagAll.F1,
                    ["far"] = far,
                    ["mar"] = mar,
                    ["tp"] = total.TruePositives,
                    ["tn"] = total.TrueNegatives,
                    ["fp"] = total.FalsePositives,
                    ["fn"] = total.FalseNegatives,
                    ["files"] = results.Count,
                    ["far_before_first_anomaly"] = before.Rate,
                    ["far_after_first_anomaly"] = after.Rate,
                    ["window_levels"] = r.GetValue(levelsText)!,
                    ["seed"] = r.GetValue(seed),
                };
                if (pieces > 0)
                {
                    summary["anomaly_free_pieces"] = pieces;
                    summary["anomaly_free_test_rows"] = anomalyFree.Normal;
                    summary["anomaly_free_flagged"] = anomalyFree.Flagged;
                    summary["anomaly_free_far"] = anomalyFree.Rate;
                }

                File.WriteAllText(staged.PathOf("summary.json"), JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
                staged.Commit(token);
            }

            var table = new Table().Border(TableBorder.Rounded).Title($"SKAB, {r.GetValue(protocol)} protocol, {results.Count} files");
            foreach (var column in new[] { "detector", "F1", "FAR, %", "MAR, %" })
            {
                table.AddColumn(new TableColumn(column).RightAligned());
            }

            static string F(double v, string format) => double.IsNaN(v) ? "" : v.ToString(format, CultureInfo.InvariantCulture);
            var mine = ($"VaeAnomaly {r.GetValue(model)}, {(ours ? (flags switch { SkabFlags.Online => "ours, online", SkabFlags.OnlineGuarded => "ours, online, guarded", SkabFlags.Surprise => "ours, surprise", _ => $"ours, {r.GetValue(threshold)}" }) : levels == WindowLevels.Remove ? "leaderboard protocol, levels removed" : "leaderboard protocol")} (seed {r.GetValue(seed)})", f1, far, mar);
            foreach (var row in Published.Append(mine).Append(("flag every row (from the labels)", flagAll.F1, flagAll.Far, flagAll.Mar)).OrderByDescending(x => x.Item2))
            {
                var name = row.Item1 == mine.Item1 ? $"[bold]{Markup.Escape(row.Item1)}[/]" : Markup.Escape(row.Item1);
                table.AddRow(name, F(row.Item2, "F2"), F(row.Item3, "F2"), F(row.Item4, "F2"));
            }

            console.Write(table);
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"False alarms: {before.Flagged} of {before.Normal} normal test rows before each file's first anomaly ({before.Rate:F2}%), {after.Flagged} of {after.Normal} after it ({after.Rate:F2}%)."));
            if (pieces > 0)
            {
                console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Anomaly-free recording ({pieces} piece{(pieces == 1 ? "" : "s")} of at most {SkabBenchmark.AnomalyFreePieceRows} rows run like benchmark files; every test row normal): {anomalyFree.Flagged} of {anomalyFree.Normal} test rows flagged ({anomalyFree.Rate:F2}%)."));
            }

            console.MarkupLineInterpolated($"Wrote predictions and summary.json to [bold]{Path.GetFullPath(destination)}[/].");
            return 0;
        }, ct));
        return command;
    }
}
