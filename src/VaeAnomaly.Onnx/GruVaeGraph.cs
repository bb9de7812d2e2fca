using Onnx;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Performance;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Onnx;

/// <summary>
/// The GRU-VAE's posterior-mean path as an ONNX graph of standard operators (<c>GRU</c>, <c>Gemm</c>, <c>MatMul</c>, ...):
/// input <c>values</c> (batch, steps, channels), every row a full sequence; outputs the reconstruction, the latent mean
/// and log-variance, the per-step error, the reconstruction and KL scores, and the combined window score the bundle flags.
/// </summary>
internal static class GruVaeGraph
{
    /// <summary>Builds the graph of a fitted GRU-VAE.</summary>
    /// <param name="detector">The model.</param>
    /// <param name="rawInput">
    /// True for the exported file: the input is raw values, scaled by the graph's first nodes, and the reconstruction is in
    /// the data's units. False for the scoring engine, which hands the graph scaled values as the fused kernels get them.
    /// </param>
    public static ModelProto Build(GruVaeDetector detector, bool rawInput) =>
        Build(detector.Weights, rawInput ? detector.Scaler : null, detector.Watched, detector.WindowScoring?.Combiner ?? detector.Combiner,
            Metadata(detector, rawInput), Description(detector));

    /// <summary>Builds the graph of a network's weights.</summary>
    /// <param name="w">The weights.</param>
    /// <param name="scaler">Scales raw input inside the graph; null when the input is scaled already.</param>
    /// <param name="watched">The channels of the error scores; null for all.</param>
    /// <param name="combiner">Makes <c>score</c> from the reconstruction and KL scores; null: <c>score</c> is the reconstruction score.</param>
    /// <param name="metadata">The model's metadata.</param>
    /// <param name="description">The model's doc string.</param>
    internal static ModelProto Build(GruVaeWeights w, Standardizer? scaler, int[]? watched, ScoreCombiner? combiner, IReadOnlyDictionary<string, string> metadata, string description)
    {
        var g = new OnnxGraph();
        var c = w.Channels;
        var values = g.Input("values", "batch", "steps", c);
        var scaled = scaler is null ? values : g.Standardized(values, scaler);

        // Time-major for the GRUs: ONNX Runtime's GRU does not run the batch-major layout.
        var timeMajor = g.Node("Transpose", [scaled], null, ("perm", new long[] { 1, 0, 2 }));
        var encoded = Squeeze(g, Gru(g, Squeeze(g, Gru(g, timeMajor, w.Encoder1)[0], 1), w.Encoder2)[1], 0);
        var mean = Linear(g, encoded, w.ToMean);
        var logVar = Linear(g, encoded, w.ToLogVar);

        // The decoder reads fromLatent(mean) at every step, beside the time features of the step.
        var shape = g.Node("Shape", [timeMajor]);
        var steps = g.Node("Slice", [shape, g.Longs(0), g.Longs(1)]);
        var batch = g.Node("Slice", [shape, g.Longs(1), g.Longs(2)]);
        var start = g.Node("Unsqueeze", [Linear(g, mean, w.FromLatent), g.Longs(0)]);
        var decoderInput = g.Node("Expand", [start, g.Node("Concat", [steps, g.Longs(1), g.Longs(1)], null, ("axis", 0L))]);
        if (w.TimeFeatures > 0)
        {
            var features = g.Node("Unsqueeze", [TimeFeatures(g, steps, w.TimeFeatures), g.Longs(1)]);
            var perRow = g.Node("Expand", [features, g.Node("Concat", [steps, batch, g.Longs(2 * w.TimeFeatures)], null, ("axis", 0L))]);
            decoderInput = g.Node("Concat", [decoderInput, perRow], null, ("axis", 2L));
        }

        var decoded = Squeeze(g, Gru(g, Squeeze(g, Gru(g, decoderInput, w.Decoder1)[0], 1), w.Decoder2)[0], 1);
        var batchMajor = g.Node("Transpose", [decoded], null, ("perm", new long[] { 1, 0, 2 }));
        var reconstruction = g.Node("Add", [g.Node("MatMul", [batchMajor, g.Floats(w.ToOutput.WeightsT, w.ToOutput.Input, w.ToOutput.Output)]), g.Floats(w.ToOutput.Bias, w.ToOutput.Output)]);

        // Scores on the scaled values, as GruVaeScorer computes them: the watched channels' mean squared error per step,
        // its mean over steps, and the KL divergence from the standard normal prior.
        var difference = g.Node("Sub", [reconstruction, scaled]);
        var (stepError, rec) = g.WatchedErrors(g.Node("Mul", [difference, difference]), watched);
        var klTerms = g.Node("Sub", [g.Node("Sub", [g.Node("Add", [g.Node("Mul", [mean, mean]), g.Node("Exp", [logVar])]), g.Scalar(1f)]), logVar]);
        var kl = g.Node("Mul", [g.Node("ReduceSum", [klTerms, g.Longs(1)], null, ("keepdims", 0L)), g.Scalar(0.5f)]);
        var score = combiner is null ? rec : Combine(g, rec, kl, combiner);

        var output = scaler is null ? reconstruction : Unscale(g, reconstruction, scaler);
        g.Output(output, "reconstruction", "batch", "steps", c);
        g.Output(mean, "latent_mean", "batch", w.Latent);
        g.Output(logVar, "latent_log_variance", "batch", w.Latent);
        g.Output(stepError, "step_error", "batch", "steps");
        g.Output(rec, "reconstruction_score", "batch");
        g.Output(kl, "kl", "batch");
        g.Output(score, "score", "batch");
        return g.ToModel(metadata, description);
    }

    private static string Unscale(OnnxGraph g, string scaled, Standardizer scaler) =>
        g.Node("Add", [g.Node("Mul", [scaled, g.Floats([.. scaler.Std.Select(v => (float)v)], scaler.Std.Length)]), g.Floats([.. scaler.Mean.Select(v => (float)v)], scaler.Mean.Length)]);

    /// <summary>sin and cos of 2 pi t / P for P = 8, 16, ... (<see cref="Models.GruVae.TimeEncodingValues"/>): (steps, 2 pairs).</summary>
    private static string TimeFeatures(OnnxGraph g, string steps, int pairs)
    {
        var count = g.Node("Cast", [g.Node("Squeeze", [steps, g.Longs(0)])], null, ("to", (long)TensorProto.Types.DataType.Float));
        var t = g.Node("Unsqueeze", [g.Node("Range", [g.Scalar(0f), count, g.Scalar(1f)]), g.Longs(1)]);
        var frequencies = Enumerable.Range(0, pairs).Select(k => (float)(2 * Math.PI / Math.Pow(2, k + 3))).ToArray();
        var angles = g.Node("Mul", [t, g.Floats(frequencies, pairs)]);
        return g.Node("Concat", [g.Node("Sin", [angles]), g.Node("Cos", [angles])], null, ("axis", 1L));
    }

    /// <summary>A GRU layer: outputs Y (steps, 1, batch, hidden) and Y_h (1, batch, hidden).</summary>
    /// <remarks>PyTorch stores the gates as reset, update, new; ONNX reads update, reset, hidden, with linear_before_reset = 1 for PyTorch's formula.</remarks>
    private static string[] Gru(OnnxGraph g, string x, GruWeights w)
    {
        var (h, i) = (w.Hidden, w.Input);
        var weights = g.Floats(Reorder(w.InputWeights, h * i), 1, 3 * h, i);
        var recurrence = g.Floats(Reorder(w.HiddenWeights, h * h), 1, 3 * h, h);
        var bias = g.Floats([.. Reorder(w.InputBias, h), .. Reorder(w.HiddenBias, h)], 1, 6 * h);
        return g.Nodes("GRU", [x, weights, recurrence, bias], 2, null, ("hidden_size", (long)h), ("linear_before_reset", 1L));
    }

    /// <summary>Blocks reset, update, new (each <paramref name="block"/> values) as update, reset, new.</summary>
    private static float[] Reorder(float[] gates, int block) => [.. gates.AsSpan(block, block), .. gates.AsSpan(0, block), .. gates.AsSpan(2 * block, block)];

    private static string Squeeze(OnnxGraph g, string x, long axis) => g.Node("Squeeze", [x, g.Longs(axis)]);

    private static string Linear(OnnxGraph g, string x, DenseWeights w) =>
        g.Node("Gemm", [x, g.Floats(w.Weights, w.Output, w.Input), g.Floats(w.Bias, w.Output)], null, ("transB", 1L));

    private static string Combine(OnnxGraph g, string rec, string kl, ScoreCombiner combiner)
    {
        var lambda = (float)combiner.Lambda;
        if (combiner.Mode == CombineMode.Raw)
        {
            return g.Node("Add", [rec, g.Node("Mul", [kl, g.Scalar(lambda)])]);
        }

        var recPart = g.Node("Div", [g.Node("Sub", [rec, g.Scalar((float)combiner.ReconstructionMean)]), g.Scalar((float)combiner.ReconstructionStd)]);
        if (combiner.Lambda == 0)
        {
            return recPart;
        }

        var klPart = g.Node("Mul", [g.Node("Sub", [kl, g.Scalar((float)combiner.KlMean)]), g.Scalar((float)(combiner.Lambda / combiner.KlStd))]);
        return g.Node("Add", [recPart, klPart]);
    }

    private static Dictionary<string, string> Metadata(GruVaeDetector detector, bool rawInput)
    {
        var window = detector.Options.Window;
        var scoreSet = window > 0 ? $"window/{ScoreKind.Combined.Name()}" : ScoreKind.Combined.Name();
        var watched = detector.Watched is { } w ? w.Select(i => detector.Channels[i]) : detector.Channels;
        return OnnxMetadata.Of(detector.Name, rawInput, detector.Channels, watched, window, detector.Scaler, detector.Thresholds, scoreSet);
    }

    private static string Description(GruVaeDetector detector)
    {
        var window = detector.Options.Window;
        var rows = window > 0 ? $"windows of {window} steps" : "whole sequences";
        return $"VaeAnomaly {detector.Name}: posterior-mean scoring of {rows}. Input 'values' (batch, steps, channels): raw values in the channel order of "
            + "'vae_anomaly.channels', every row a full sequence (no padding). 'score' is the combined score the bundle flags with; a row scoring above "
            + "'vae_anomaly.threshold' is anomalous. Scores of a series point by point: score the window ending at each point.";
    }
}
