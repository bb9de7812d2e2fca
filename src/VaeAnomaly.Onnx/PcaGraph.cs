using System.Globalization;
using System.Text.Json;
using Onnx;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Onnx;

/// <summary>
/// The <c>pca</c> window model as an ONNX graph: input <c>values</c> (batch, window, channels); outputs the squared error
/// of each value against its reconstruction from the kept components (<c>squared_error</c>), each step's mean over the
/// watched columns (<c>step_error</c>) and each window's mean (<c>score</c>), as <see cref="PcaModel"/> computes them.
/// </summary>
internal static class PcaGraph
{
    /// <summary>Builds the graph of a fitted PCA of windows.</summary>
    /// <param name="detector">The detector.</param>
    /// <param name="pca">Its model.</param>
    /// <param name="rawInput">True for the exported file (the scaler as its first nodes); false for the engine, which hands it scaled windows.</param>
    public static ModelProto Build(WindowFeatureDetector detector, PcaModel pca, bool rawInput)
    {
        var shape = detector.Shape;
        var (window, c, width, k) = (shape.Window, shape.Channels.Count, shape.Width, pca.Components);
        var g = new OnnxGraph();
        var values = g.Input("values", "batch", window, c);
        var scaled = rawInput ? g.Standardized(values, detector.Scaler) : values;
        var flat = g.Node("Reshape", [scaled, g.Longs(-1, width)]);
        var centred = g.Node("Sub", [flat, g.Floats(pca.Mean, width)]);
        var transposed = new float[k * width];
        for (var i = 0; i < width; i++)
        {
            for (var j = 0; j < k; j++)
            {
                transposed[(j * width) + i] = pca.Basis[(i * k) + j];
            }
        }

        var projected = g.Node("MatMul", [g.Node("MatMul", [centred, g.Floats(pca.Basis, width, k)]), g.Floats(transposed, k, width)]);
        var error = g.Node("Sub", [centred, projected]);
        var squared = g.Node("Reshape", [g.Node("Mul", [error, error]), g.Longs(-1, window, c)]);
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
            $"VaeAnomaly pca: input 'values' (batch, {window}, {c}), raw, columns in the order of 'vae_anomaly.channels'; 'score' is each window's mean "
            + "squared reconstruction error from the kept principal components over the watched columns; above 'vae_anomaly.threshold' is anomalous. "
            + "Scores of a series point by point: score the window ending at each point.");
    }
}
