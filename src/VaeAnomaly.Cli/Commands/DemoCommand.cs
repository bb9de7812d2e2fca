using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using VaeAnomaly.Cli.Console;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Evaluation;
using VaeAnomaly.IO;
using VaeAnomaly.Reporting;

namespace VaeAnomaly.Cli.Commands;

/// <summary><c>vae-anomaly demo</c>: the whole GRU-VAE study on generated synthetic-v1 data, no input needed.</summary>
internal static class DemoCommand
{
    /// <summary>The smaller run of <c>--quick</c>, for smoke tests.</summary>
    internal static readonly SyntheticOptions QuickData = new() { Train = 200, Validation = 100, Test = 200 };

    internal const int QuickEpochs = 2;

    internal const int QuickImportanceSamples = 4;

    /// <summary>The model the demo trains: the registry's GRU-VAE, whose several score kinds the report compares.</summary>
    internal const string DemoModel = DetectorRegistry.DefaultModel;

    public static Command Create(IAnsiConsole console)
    {
        var outDir = new Option<string>("--out") { Description = "Output folder for metrics.json, scores.csv and history.csv.", DefaultValueFactory = _ => "vae-anomaly-demo" };
        var seed = SharedOptions.Seed("Seed of the data and of the model.", 42);
        var quick = new Option<bool>("--quick") { Description = $"A small run for smoke tests: {QuickData.Train}/{QuickData.Validation}/{QuickData.Test} sequences, {QuickEpochs} epochs, {QuickImportanceSamples} importance samples." };
        var force = SharedOptions.ForceFolder();
        var model = new ModelOptionSet();
        var command = new Command("demo", "Generate synthetic-v1, train the GRU-VAE, score the test split and report metrics.") { outDir, seed, quick, force };
        model.AddTo(command);

        command.SetAction((r, ct) => CommandRunner.RunAsync(console, r, token =>
        {
            var clock = Stopwatch.StartNew();
            var runSeed = r.GetValue(seed);
            var isQuick = r.GetValue(quick);
            StagedDirectory.EnsureWritable(r.GetValue(outDir)!, r.GetValue(force));

            var dataOptions = (isQuick ? QuickData : new SyntheticOptions()) with { Seed = runSeed };
            var settings = model.Settings(r, DemoModel, runSeed);
            settings = settings with
            {
                Epochs = settings.Epochs ?? (isQuick ? QuickEpochs : null),
                ImportanceSamples = settings.ImportanceSamples ?? (isQuick ? QuickImportanceSamples : null),
            };
            var configuration = GruVaeConfiguration.Resolve(settings);
            var trainer = configuration.Training;

            var data = new SyntheticGenerator(dataOptions).Generate();
            var generated = clock.Elapsed;
            console.MarkupLineInterpolated(
                $"synthetic-v1, seed {runSeed}: {data.Train.Set.Count} train / {data.Validation.Set.Count} val / {data.Test.Set.Count} test sequences, {data.Test.Set.Labels!.Count(l => l.IsAnomaly)} test anomalies, lengths {dataOptions.MinLength}-{dataOptions.MaxLength}, {dataOptions.Channels} channels.");
            var modelOptions = configuration.Model;
            var scoring = configuration.Scoring;
            console.MarkupLineInterpolated(
                $"GRU-VAE ({configuration.Name} configuration): encoder GRU {modelOptions.EncoderSizes[0]}, {modelOptions.EncoderSizes[1]}; latent {modelOptions.Latent}; decoder GRU {modelOptions.DecoderSizes[0]}, {modelOptions.DecoderSizes[1]}; beta {modelOptions.Beta}; {(modelOptions.Window > 0 ? $"{modelOptions.Window}-step windows, sequence score = {scoring.Aggregate.ToString().ToLowerInvariant()} over windows" : "whole sequences")}; up to {trainer.Epochs} epochs, batch {trainer.BatchSize}, lr {trainer.LearningRate}.");

            var estimator = DetectorRegistry.Create(DemoModel, settings);
            var trainClock = Stopwatch.StartNew();
            IFittedDetector? fitted = null;
            EpochReporter.Run(console, estimator.Epochs, progress =>
            {
                fitted = estimator.Fit(data.Train.Set, data.Validation.Set, progress, token);
                return 0;
            });
            using var detector = fitted!;
            var kinds = detector as IScoresKinds ?? throw new InvalidOperationException($"The demo reports every score kind; {DemoModel} gives one.");
            var trainTime = trainClock.Elapsed;

            var scoreClock = Stopwatch.StartNew();
            var test = data.Test.Set;
            var scores = kinds.ScoreAll(test);
            var scoreTime = scoreClock.Elapsed;

            using (var staged = StagedDirectory.Begin(r.GetValue(outDir)!, r.GetValue(force)))
            {
                ScoresCsv.Write(test, scores, staged.PathOf("scores.csv"));
                HistoryCsv.Write(detector.History, staged.PathOf("history.csv"));
                var evaluations = EvaluationReport.Write(detector, test, scores, detector.Thresholds.Rule, staged.Staging, "VaeAnomaly demo: GRU-VAE on synthetic-v1")!;
                staged.Commit(token);
                console.Write(MetricsTable.Build(evaluations, RandomBaseline.For(test.Labels!.Select(l => l.IsAnomaly).ToArray())));
                console.Write(MetricsTable.BuildByType(evaluations));
                var best = detector.History.MinBy(h => h.ValidationTotal)!;
                console.MarkupLineInterpolated(
                    $"Combined score: {scoring.Combine.ToString().ToLowerInvariant()}, lambda {scoring.Lambda.ToString(CultureInfo.InvariantCulture)}; best validation epoch {best.Epoch} of {detector.History.Count}; threshold (0.99 quantile of validation) {detector.Thresholds.Value():F3} flags {scores.Combined.Count(s => s > detector.Thresholds.Value())} of {test.Count} test sequences.");
                console.MarkupLineInterpolated($"Wrote metrics.json, scores.csv, history.csv, report.html and figures to [bold]{staged.Destination}[/].");
            }

            var perEpoch = detector.History.Average(h => h.Seconds);
            console.MarkupLineInterpolated(
                $"Wall time {clock.Elapsed.TotalSeconds:F1} s: data {generated.TotalSeconds:F1} s, training {trainTime.TotalSeconds:F1} s ({detector.History.Count} epochs, {perEpoch:F1} s/epoch, {data.Train.Set.Count / (detector.History.Sum(h => h.Seconds) / detector.History.Count):F0} train seq/s incl. validation), scoring {scoreTime.TotalSeconds:F2} s ({test.Count / scoreTime.TotalSeconds:F0} seq/s); {Environment.ProcessorCount} cores.");
            return 0;
        }, ct));
        return command;
    }
}
