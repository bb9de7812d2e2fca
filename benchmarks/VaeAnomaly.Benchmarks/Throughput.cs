using System.Globalization;
using VaeAnomaly.Models;
using VaeAnomaly.Performance;
using static TorchSharp.torch;

namespace VaeAnomaly.Benchmarks;

/// <summary>
/// Whole-step throughput of the GRU-VAE (training step: forward, backward, Adam; scoring: posterior-mean
/// forward without autograd) at length 100 and 8 channels, for the straightforward model and the optimised
/// paths, beside libtorch's 1024^3 float32 matrix product, measured in one process (the same probes as
/// <c>vae-anomaly bench</c>, which adds more sizes, variable lengths and long-series streaming).
/// </summary>
public static class Throughput
{
    private const int Length = 100;
    private const int Channels = 8;

    public static int Run(string[] args)
    {
        var repeats = args.Contains("--quick") ? 3 : 7;
        var options = new GruVaeOptions { Channels = Channels };
        Console.WriteLine($"VaeAnomaly throughput benchmark: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, libtorch threads {get_num_threads()}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        Console.WriteLine($"GRU-VAE {options.EncoderSizes[0]}/{options.EncoderSizes[1]}/latent {options.Latent}/{options.DecoderSizes[0]}/{options.DecoderSizes[1]}, length {Length}, {Channels} channels; median of {repeats} repeats.");

        var sgemm = ThroughputProbe.SgemmGflops(repeats);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sgemm 1024x1024x1024 float32: {sgemm:F1} GFLOP/s"));
        Console.WriteLine();
        Console.WriteLine("| batch | path | train seq/s | train GFLOP/s | of sgemm | score seq/s | score GFLOP/s | of sgemm |");
        Console.WriteLine("|------:|-----:|------------:|--------------:|---------:|------------:|--------------:|---------:|");
        foreach (var batch in new[] { 64, 256 })
        {
            foreach (var path in new[] { ComputePath.Baseline, ComputePath.Optimised })
            {
                var train = ThroughputProbe.TrainSequencesPerSecond(options, batch, Length, path, repeats);
                var score = ThroughputProbe.ScoreSequencesPerSecond(options, batch, Length, path, repeats);
                var trainGflops = train * GruVaeCost.TrainingFlops(options, Length) / 1e9;
                var scoreGflops = score * GruVaeCost.ForwardFlops(options, Length) / 1e9;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {batch,5} | {path.ToString().ToLowerInvariant()} | {train,11:F0} | {trainGflops,13:F1} | {trainGflops / sgemm,8:P1} | {score,11:F0} | {scoreGflops,13:F1} | {scoreGflops / sgemm,8:P1} |"));
            }
        }

        Console.WriteLine();
        Console.WriteLine("FLOPs count matrix products only (2 per multiply-add); training counts 3x the forward pass.");
        return 0;
    }
}
