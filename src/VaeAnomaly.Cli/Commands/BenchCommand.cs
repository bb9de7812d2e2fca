using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Spectre.Console;
using VaeAnomaly.Detectors;
using VaeAnomaly.IO;
using VaeAnomaly.Models;
using VaeAnomaly.Onnx;
using VaeAnomaly.Performance;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Cli.Commands;

/// <summary><c>vae-anomaly bench</c>: whole-pipeline speed figures, side by side in one run, written to bench.json.</summary>
internal static class BenchCommand
{
    private const int Channels = 8;

    public static Command Create(IAnsiConsole console)
    {
        var quick = new Option<bool>("--quick") { Description = "Fewer repeats and sizes (batch 64 and 256 at length 100, a 100,000-step series): a couple of minutes." };
        var outDir = new Option<string>("--out") { Description = "Folder for bench.json.", Required = true };
        var force = SharedOptions.ForceFolder();
        var command = new Command("bench", "Measure GRU-VAE training and scoring throughput (baseline and optimised paths), variable-length cost, long-series streaming, and the machine's sgemm rate.")
        {
            quick, outDir, force,
        };

        command.SetAction((r, ct) => CommandRunner.RunAsync(console, r, token =>
        {
            var destination = r.GetValue(outDir)!;
            StagedDirectory.EnsureWritable(destination, r.GetValue(force));
            var isQuick = r.GetValue(quick);
            double demoEpochSeconds;
            var repeats = isQuick ? 3 : 5;
            var options = new GruVaeOptions { Channels = Channels };
            console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, libtorch intra-op threads {TorchSharp.torch.get_num_threads()}; median of {repeats} repeats.");

            var sgemm = ThroughputProbe.SgemmGflops(repeats);
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sgemm 1024^3 float32: {sgemm:F1} GFLOP/s"));

            var rows = new List<Dictionary<string, object>>();
            var table = new Table().Border(TableBorder.Rounded).Title($"GRU-VAE throughput, {Channels} channels (fraction of the sgemm rate in brackets)");
            foreach (var column in new[] { "batch", "length", "path", "train seq/s", "score seq/s" })
            {
                table.AddColumn(new TableColumn(column).RightAligned());
            }

            var sizes = isQuick
                ? [(64, 100), (256, 100)]
                : new[] { 64, 256, 1024 }.SelectMany(b => new[] { 50, 100, 200 }.Select(l => (b, l))).ToArray();
            foreach (var (batch, length) in sizes)
            {
                // Baseline and optimised alternate repeat by repeat, so a slow spell of a shared machine hits both.
                var measured = new Dictionary<ComputePath, (List<double> Train, List<double> Score)>
                {
                    [ComputePath.Baseline] = ([], []),
                    [ComputePath.Optimised] = ([], []),
                };
                var onnx = new List<double>();
                for (var repeat = 0; repeat < repeats; repeat++)
                {
                    foreach (var path in measured.Keys)
                    {
                        token.ThrowIfCancellationRequested();
                        measured[path].Train.Add(ThroughputProbe.TrainSequencesPerSecond(options, batch, length, path, 1));
                        measured[path].Score.Add(ThroughputProbe.ScoreSequencesPerSecond(options, batch, length, path, 1));
                    }

                    // The peer a .NET user would pick: ONNX Runtime's CPU provider on the same model, every graph optimisation, every core.
                    onnx.Add(OnnxThroughput.ScoreSequencesPerSecond(options, batch, length, 1));
                }

                foreach (var path in measured.Keys)
                {
                    var train = ThroughputProbe.Median(measured[path].Train);
                    var score = ThroughputProbe.Median(measured[path].Score);
                    var trainFraction = train * GruVaeCost.TrainingFlops(options, length) / 1e9 / sgemm;
                    var scoreFraction = score * GruVaeCost.ForwardFlops(options, length) / 1e9 / sgemm;
                    rows.Add(new()
                    {
                        ["batch"] = batch,
                        ["length"] = length,
                        ["channels"] = Channels,
                        ["path"] = path == ComputePath.Baseline ? "baseline" : "optimised",
                        ["train_seq_per_s"] = Math.Round(train, 1),
                        ["score_seq_per_s"] = Math.Round(score, 1),
                        ["train_fraction_of_sgemm"] = Math.Round(trainFraction, 4),
                        ["score_fraction_of_sgemm"] = Math.Round(scoreFraction, 4),
                    });
                    table.AddRow($"{batch}", $"{length}", path.ToString().ToLowerInvariant(),
                        string.Create(CultureInfo.InvariantCulture, $"{train:F0} ({trainFraction:P1})"), string.Create(CultureInfo.InvariantCulture, $"{score:F0} ({scoreFraction:P1})"));
                }

                var onnxScore = ThroughputProbe.Median(onnx);
                var onnxFraction = onnxScore * GruVaeCost.ForwardFlops(options, length) / 1e9 / sgemm;
                rows.Add(new()
                {
                    ["batch"] = batch,
                    ["length"] = length,
                    ["channels"] = Channels,
                    ["path"] = "onnxruntime",
                    ["score_seq_per_s"] = Math.Round(onnxScore, 1),
                    ["score_fraction_of_sgemm"] = Math.Round(onnxFraction, 4),
                });
                table.AddRow($"{batch}", $"{length}", "onnxruntime", "", string.Create(CultureInfo.InvariantCulture, $"{onnxScore:F0} ({onnxFraction:P1})"));
            }

            console.Write(table);
            double Of(IEnumerable<Dictionary<string, object>> size, string path, string figure) => (double)size.Single(x => (string)x["path"] == path)[figure];
            var ratios = rows.GroupBy(x => ((int)x["batch"], (int)x["length"])).Select(g => new Dictionary<string, object>
            {
                ["batch"] = g.Key.Item1,
                ["length"] = g.Key.Item2,
                ["train_speedup"] = Math.Round(Of(g, "optimised", "train_seq_per_s") / Of(g, "baseline", "train_seq_per_s"), 3),
                ["score_speedup"] = Math.Round(Of(g, "optimised", "score_seq_per_s") / Of(g, "baseline", "score_seq_per_s"), 3),
                ["score_vs_onnxruntime"] = Math.Round(Of(g, "optimised", "score_seq_per_s") / Of(g, "onnxruntime", "score_seq_per_s"), 3),
            }).ToArray();
            foreach (var ratio in ratios)
            {
                console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"batch {ratio["batch"]}, length {ratio["length"]}: optimised/baseline train x{ratio["train_speedup"]:F2}, score x{ratio["score_speedup"]:F2}; optimised/onnxruntime score x{ratio["score_vs_onnxruntime"]:F2}"));
            }

            // Variable length: per real step, 50-200 steps against a fixed 100, both length-bucketed, batch 64.
            var count = isQuick ? 512 : 2048;
            var rng = new Random(5);
            var fixedSet = ThroughputProbe.RandomSet(Enumerable.Repeat(100, count).ToArray(), Channels, 6);
            var variableSet = ThroughputProbe.RandomSet([.. Enumerable.Range(0, count).Select(_ => rng.Next(50, 201))], Channels, 7);
            var scoreFixed = ThroughputProbe.ScoreStepsPerSecond(options, fixedSet, 64, repeats);
            var scoreVariable = ThroughputProbe.ScoreStepsPerSecond(options, variableSet, 64, repeats);
            var trainFixed = ThroughputProbe.TrainStepsPerSecond(options, fixedSet, 64, Math.Min(3, repeats));
            var trainVariable = ThroughputProbe.TrainStepsPerSecond(options, variableSet, 64, Math.Min(3, repeats));
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Variable length 50-200 vs fixed 100 (real steps/s, batch 64): scoring {scoreVariable:F0} vs {scoreFixed:F0} ({scoreVariable / scoreFixed:P0}), training {trainVariable:F0} vs {trainFixed:F0} ({trainVariable / trainFixed:P0})."));

            // One epoch of the default demo: synthetic-v1 (seed 42), default configuration, validation included.
            var demoData = new Data.SyntheticGenerator(new Data.SyntheticOptions()).Generate();
            var demo = DetectorRegistry.Create(DemoCommand.DemoModel, new DetectorSettings { Epochs = 1, ImportanceSamples = 1 });
            using (var demoDetector = demo.Fit(demoData.Train.Set, demoData.Validation.Set, ct: token))
            {
                demoEpochSeconds = demoDetector.History[0].Seconds;
            }

            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Default demo: one training epoch (2,000 sequences in 32-step windows, validation included) {demoEpochSeconds:F1} s."));

            // A long series scored point by point through windows of 100, stride 1, streamed.
            var streaming = new List<Dictionary<string, object>>();
            foreach (var steps in isQuick ? new[] { 100_000 } : [100_000, 1_000_000])
            {
                token.ThrowIfCancellationRequested();
                streaming.Add(StreamSeries(steps, console));
            }

            var report = new Dictionary<string, object>
            {
                ["date_utc"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                ["machine"] = new Dictionary<string, object> { ["cores"] = Environment.ProcessorCount, ["os"] = RuntimeInformation.OSDescription, ["libtorch_threads"] = TorchSharp.torch.get_num_threads() },
                ["quick"] = isQuick,
                ["repeats"] = repeats,
                ["sgemm_gflops"] = Math.Round(sgemm, 1),
                ["throughput"] = rows,
                ["speedups"] = ratios,
                ["variable_length"] = new Dictionary<string, object>
                {
                    ["sequences"] = count,
                    ["score_steps_per_s_fixed_100"] = Math.Round(scoreFixed),
                    ["score_steps_per_s_variable_50_200"] = Math.Round(scoreVariable),
                    ["score_ratio"] = Math.Round(scoreVariable / scoreFixed, 3),
                    ["train_steps_per_s_fixed_100"] = Math.Round(trainFixed),
                    ["train_steps_per_s_variable_50_200"] = Math.Round(trainVariable),
                    ["train_ratio"] = Math.Round(trainVariable / trainFixed, 3),
                },
                ["demo_epoch_seconds"] = Math.Round(demoEpochSeconds, 2),
                ["streaming"] = streaming,
                ["process_peak_working_set_mb"] = Math.Round(PeakWorkingSet() / 1e6),
            };
            using (var staged = StagedDirectory.Begin(destination, r.GetValue(force)))
            {
                File.WriteAllText(staged.PathOf("bench.json"), JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
                staged.Commit(token);
            }

            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Process peak working set over the whole run: {PeakWorkingSet() / 1e6:F0} MB."));
            console.MarkupLineInterpolated($"Wrote [bold]{Path.GetFullPath(Path.Combine(destination, "bench.json"))}[/].");
            return 0;
        }, ct));
        return command;
    }

    private static long PeakWorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.PeakWorkingSet64;
    }

    /// <summary>Scores every point of a random-walk series of <paramref name="steps"/> steps with a small trained detector; reports time and peak memory.</summary>
    private static Dictionary<string, object> StreamSeries(int steps, IAnsiConsole console)
    {
        var rng = new Random(11);
        var values = new float[steps * Channels];
        for (var i = Channels; i < values.Length; i++)
        {
            values[i] = values[i - Channels] * 0.99f + (float)((rng.NextDouble() * 2) - 1);
        }

        var names = Enumerable.Range(0, Channels).Select(c => $"c{c}").ToArray();
        var series = new Data.SequenceSet(names, [new Data.Sequence("series", values)]);
        var train = new Data.SequenceSet(names, [new Data.Sequence("train", values.AsSpan(0, 2000 * Channels).ToArray())]);
        var validation = new Data.SequenceSet(names, [new Data.Sequence("validation", values.AsSpan(2000 * Channels, 500 * Channels).ToArray())]);
        // The plain GRU-VAE (the seed configuration) on windows of 100.
        var settings = new DetectorSettings { Variant = GruVaeConfiguration.Seed.Name, Window = 100, Epochs = 1, TrainStride = 50, ScoreStride = 1 };
        using var detector = DetectorRegistry.Create(DemoCommand.DemoModel, settings).Fit(train, validation);
        var scorer = detector as IScoresPoints ?? throw new InvalidOperationException($"{detector.Name} does not score points.");
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var before = process.WorkingSet64;
        var peak = before;
        using var done = new CancellationTokenSource();
        var sampler = Task.Run(() =>
        {
            using var self = Process.GetCurrentProcess();
            while (!done.IsCancellationRequested)
            {
                self.Refresh();
                peak = Math.Max(peak, self.WorkingSet64);
                Thread.Sleep(20);
            }
        });
        var clock = Stopwatch.StartNew();
        var points = scorer.ScorePoints(series, new PointScoreRequest(PointScoreMode.Last, Kind: ScoreKind.Reconstruction));
        var seconds = clock.Elapsed.TotalSeconds;
        done.Cancel();
        sampler.Wait();
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Series of {steps:N0} steps x {Channels} channels ({values.Length * 4 / 1e6:F0} MB of values), windows of 100, stride 1: {points.Windows:N0} windows in {seconds:F1} s ({points.Windows / seconds:F0} windows/s); working set {before / 1e6:F0} MB before, at most {peak / 1e6:F0} MB while scoring (+{(peak - before) / 1e6:F0} MB)."));
        return new Dictionary<string, object>
        {
            ["steps"] = steps,
            ["channels"] = Channels,
            ["window"] = 100,
            ["stride"] = 1,
            ["windows"] = points.Windows,
            ["seconds"] = Math.Round(seconds, 2),
            ["windows_per_s"] = Math.Round(points.Windows / seconds),
            ["series_values_mb"] = Math.Round(values.Length * 4 / 1e6),
            ["working_set_before_mb"] = Math.Round(before / 1e6),
            ["peak_working_set_mb"] = Math.Round(peak / 1e6),
            ["peak_increase_mb"] = Math.Round((peak - before) / 1e6),
        };
    }
}
