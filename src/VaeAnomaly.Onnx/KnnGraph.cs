using System.Globalization;
using System.Text.Json;
using Onnx;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Onnx;

/// <summary>
/// The <c>knn</c> window model as an ONNX graph: input <c>values</c> (batch, window, channels); the stored training windows
/// inside; each window's nearest stored windows by squared Euclidean distance (<c>TopK</c>), and outputs the squared
/// difference to them averaged over the neighbours (<c>squared_error</c>), its mean over the watched columns per step
/// (<c>step_error</c>) and per window (<c>score</c>), as <see cref="KnnModel"/> computes them.
/// </summary>
internal static class KnnGraph
{
    /// <summary>Builds the graph of a fitted k-NN of windows.</summary>
    /// <param name="detector">The detector.</param>
    /// <param name="knn">Its model.</param>
    /// <param name="rawInput">True for the exported file (the scaler as its first nodes); false for the engine, which hands it scaled windows.</param>
    public static ModelProto Build(WindowFeatureDetector detector, KnnModel knn, bool rawInput)
    {
        var shape = detector.Shape;
        var (window, c, width, bank) = (shape.Window, shape.Channels.Count, shape.Width, knn.Bank);
        var k = Math.Min(KnnEstimator.Neighbours, bank);
        var g = new OnnxGraph();
        var values = g.Input("values", "batch", window, c);
        var scaled = rawInput ? g.Standardized(values, detector.Scaler) : values;
        var x = g.Node("Reshape", [scaled, g.Longs(-1, width)]);                                    // (batch, width)
        var stored = g.Floats(knn.Windows, bank, width);
        var norms = new float[bank];
        for (var i = 0; i < bank; i++)
        {
            double sum = 0;
            for (var j = 0; j < width; j++)
            {
                sum += (double)knn.Windows[(i * width) + j] * knn.Windows[(i * width) + j];
            }

            norms[i] = (float)sum;
        }

        // |x - b|^2 = |x|^2 - 2 x.b + |b|^2, (batch, bank); the k smallest.
        var inner = g.Node("Gemm", [x, stored], null, ("transB", 1L), ("alpha", -2f));
        var distances = g.Node("Add", [g.Node("Add", [inner, g.Node("ReduceSum", [g.Node("Mul", [x, x]), g.Longs(1)], null, ("keepdims", 1L))]), g.Floats(norms, bank)]);
        var nearest = g.Nodes("TopK", [distances, g.Longs(k)], 2, null, ("largest", 0L), ("sorted", 1L))[1];   // (batch, k)
        var neighbours = g.Node("Gather", [stored, nearest], null, ("axis", 0L));                     // (batch, k, width)
        var difference = g.Node("Sub", [g.Node("Unsqueeze", [x, g.Longs(1)]), neighbours]);
        var mean = g.Node("ReduceMean", [g.Node("Mul", [difference, difference])], null, ("axes", new long[] { 1 }), ("keepdims", 0L));
        var squared = g.Node("Reshape", [mean, g.Longs(-1, window, c)]);
        var watched = g.Node("Gather", [squared, g.Longs([.. shape.TargetIndices.Select(i => (long)i)])], null, ("axis", 2L));
        var steps = g.Node("ReduceMean", [watched], null, ("axes", new long[] { 2 }), ("keepdims", 0L));
        var score = g.Node("ReduceMean", [steps], null, ("axes", new long[] { 1 }), ("keepdims", 0L));
        g.Output(squared, "squared_error", "batch", window, c);
        g.Output(steps, "step_error", "batch", window);
        g.Output(score, "score", "batch");
        var threshold = detector.Thresholds.ValueOrNaN(WindowFeatureShape.WindowSet);
        return g.ToModel(
            new Dictionary<string, string>
            {
                ["vae_anomaly.model"] = detector.Name,
                ["vae_anomaly.input"] = rawInput ? "raw" : "scaled",
                ["vae_anomaly.channels"] = JsonSerializer.Serialize(shape.Channels),
                ["vae_anomaly.watched"] = JsonSerializer.Serialize(shape.Targets),
                ["vae_anomaly.window"] = window.ToString(CultureInfo.InvariantCulture),
                ["vae_anomaly.scaler_mean"] = JsonSerializer.Serialize(detector.Scaler.Mean),
                ["vae_anomaly.scaler_std"] = JsonSerializer.Serialize(detector.Scaler.Std),
                ["vae_anomaly.threshold_rule"] = detector.Thresholds.Rule,
                ["vae_anomaly.threshold"] = threshold.ToString("R", CultureInfo.InvariantCulture),
            },
            $"VaeAnomaly knn: input 'values' (batch, {window}, {c}), raw, columns in the order of 'vae_anomaly.channels'; 'score' is each window's mean "
            + $"squared distance over the watched columns to its {k} nearest of {bank} stored training windows; above 'vae_anomaly.threshold' is anomalous.");
    }
}
