using Microsoft.ML.OnnxRuntime;
using VaeAnomaly.Models;
using VaeAnomaly.Performance;
using VaeAnomaly.Training;

namespace VaeAnomaly.Onnx;

/// <summary>
/// ONNX Runtime's scoring throughput on the GRU-VAE that <see cref="ThroughputProbe.ScoreSequencesPerSecond"/> measures
/// (same options, seed and random batch), for <c>bench</c>'s <c>onnxruntime</c> rows: the peer a .NET user would pick.
/// </summary>
public static class OnnxThroughput
{
    private static readonly string[] Inputs = ["values"];
    private static readonly string[] Outputs = ["reconstruction", "reconstruction_score"];

    /// <summary>Scoring sequences per second (posterior-mean reconstruction and its error) through ONNX Runtime's CPU provider.</summary>
    /// <param name="options">Model options (channels included).</param>
    /// <param name="batch">Sequences per run.</param>
    /// <param name="length">Steps per sequence.</param>
    /// <param name="repeats">Timed repeats.</param>
    /// <param name="sequencesPerRepeat">Roughly how many sequences each timed repeat scores.</param>
    /// <param name="threads">Intra-op threads; 0 for every core.</param>
    public static double ScoreSequencesPerSecond(GruVaeOptions options, int batch, int length, int repeats, int sequencesPerRepeat = 4096, int threads = 0)
    {
        var set = ThroughputProbe.RandomSet(Enumerable.Repeat(length, batch).ToArray(), options.Channels, 3);
        var x = set.Sequences.SelectMany(s => s.Values).ToArray();
        var steps = Math.Max(2, sequencesPerRepeat / batch);
        using var model = Seeding.Build(1, () => new GruVae(options));
        var graph = GruVaeGraph.Build(GruVaeWeights.Of(model), null, null, null, new Dictionary<string, string>(), "bench");
        using var session = OnnxEngine.Session(Google.Protobuf.MessageExtensions.ToByteArray(graph), OnnxDevice.Cpu, threads);
        using var run = new RunOptions();
        using var input = OrtValue.CreateTensorValueFromMemory(x, [batch, length, options.Channels]);
        void Forward()
        {
            using var results = session.Run(run, Inputs, [input], Outputs);
            _ = results[1].GetTensorDataAsSpan<float>()[0];
        }

        Forward();
        Forward();
        return ThroughputProbe.MedianRate(repeats, steps * batch, () =>
        {
            for (var i = 0; i < steps; i++)
            {
                Forward();
            }
        });
    }
}
