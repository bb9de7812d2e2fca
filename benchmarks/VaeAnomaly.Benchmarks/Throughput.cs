using System.Diagnostics;
using System.Globalization;
using VaeAnomaly.Data;
using VaeAnomaly.Models;
using VaeAnomaly.Training;
using static TorchSharp.torch;

namespace VaeAnomaly.Benchmarks;

/// <summary>
/// Whole-step throughput of the GRU-VAE (training step: forward, backward, Adam; scoring: posterior-mean
/// forward without autograd) at length 100 and 8 channels, and libtorch's 1024^3 float32 matrix product,
/// measured side by side in one process. Each figure is the median of several timed repeats.
/// </summary>
public static class Throughput
{
    private const int Length = 100;
    private const int Channels = 8;

    public static int Run(string[] args)
    {
        var repeats = args.Contains("--quick") ? 3 : 7;
        var batches = new[] { 64, 256 };
        var options = new GruVaeOptions { Channels = Channels };
        Console.WriteLine($"VaeAnomaly throughput benchmark: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, libtorch threads {get_num_threads()}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        Console.WriteLine($"GRU-VAE {options.EncoderSizes[0]}/{options.EncoderSizes[1]}/latent {options.Latent}/{options.DecoderSizes[0]}/{options.DecoderSizes[1]}, length {Length}, {Channels} channels; median of {repeats} repeats.");

        var sgemm = MedianOf(repeats, Sgemm);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sgemm 1024x1024x1024 float32: {sgemm:F1} GFLOP/s"));
        Console.WriteLine();
        Console.WriteLine("| batch | train seq/s | train GFLOP/s | of sgemm | score seq/s | score GFLOP/s | of sgemm |");
        Console.WriteLine("|------:|------------:|--------------:|---------:|------------:|--------------:|---------:|");
        foreach (var batch in batches)
        {
            var train = MedianOf(repeats, () => TrainRate(options, batch));
            var score = MedianOf(repeats, () => ScoreRate(options, batch));
            var trainGflops = train * GruVaeCost.TrainingFlops(options, Length) / 1e9;
            var scoreGflops = score * GruVaeCost.ForwardFlops(options, Length) / 1e9;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {batch,5} | {train,11:F0} | {trainGflops,13:F1} | {trainGflops / sgemm,8:P1} | {score,11:F0} | {scoreGflops,13:F1} | {scoreGflops / sgemm,8:P1} |"));
        }

        Console.WriteLine();
        Console.WriteLine("FLOPs count matrix products only (2 per multiply-add); training counts 3x the forward pass.");
        return 0;
    }

    private static double MedianOf(int repeats, Func<double> measure)
    {
        var values = Enumerable.Range(0, repeats).Select(_ => measure()).Order().ToArray();
        return values[values.Length / 2];
    }

    /// <returns>GFLOP/s of a 1024^3 float32 matrix product (10 products per measurement, after a warm-up).</returns>
    private static double Sgemm()
    {
        using var scope = NewDisposeScope();
        var a = randn(1024, 1024);
        var b = randn(1024, 1024);
        a.matmul(b);
        var clock = Stopwatch.StartNew();
        const int n = 10;
        for (var i = 0; i < n; i++)
        {
            using var c = a.matmul(b);
        }

        return n * 2.0 * 1024 * 1024 * 1024 / clock.Elapsed.TotalSeconds / 1e9;
    }

    private static SequenceSet Batch(int batch, int seed)
    {
        var rng = new Random(seed);
        var sequences = Enumerable.Range(0, batch)
            .Select(i => new Sequence($"{i}", Enumerable.Range(0, Length * Channels).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray()))
            .ToArray();
        return new SequenceSet(Enumerable.Range(0, Channels).Select(c => $"c{c}").ToArray(), sequences);
    }

    /// <returns>Training sequences per second over 10 optimiser steps, after 2 warm-up steps.</returns>
    private static double TrainRate(GruVaeOptions options, int batchSize)
    {
        Seeding.Apply(1);
        using var model = new GruVae(options);
        using var optimizer = optim.Adam(model.parameters(), lr: 1e-3);
        var set = Batch(batchSize, 2);
        using var batch = PaddedBatch.Create(set, Enumerable.Range(0, batchSize).ToArray());
        model.train();
        void Step()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var (loss, _, _) = VaeLoss.Compute(model.call(batch.X, batch.LastStep), batch.X, batch.Mask, options.Beta);
            loss.backward();
            nn.utils.clip_grad_norm_(model.parameters(), 5.0);
            optimizer.step();
        }

        Step();
        Step();
        const int steps = 10;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++)
        {
            Step();
        }

        return steps * batchSize / clock.Elapsed.TotalSeconds;
    }

    /// <returns>Scoring sequences per second over 10 batches, after 2 warm-up batches.</returns>
    private static double ScoreRate(GruVaeOptions options, int batchSize)
    {
        Seeding.Apply(1);
        using var model = new GruVae(options);
        var set = Batch(batchSize, 3);
        using var batch = PaddedBatch.Create(set, Enumerable.Range(0, batchSize).ToArray());
        model.eval();
        using var noGrad = no_grad();
        void Forward()
        {
            using var scope = NewDisposeScope();
            var output = model.call(batch.X, batch.LastStep);
            VaeLoss.SquaredErrorSum(output.Reconstruction, batch.X, batch.Mask).sum().item<float>();
        }

        Forward();
        Forward();
        const int steps = 10;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++)
        {
            Forward();
        }

        return steps * batchSize / clock.Elapsed.TotalSeconds;
    }
}
