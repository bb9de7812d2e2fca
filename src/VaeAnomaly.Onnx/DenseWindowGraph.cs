using System.Globalization;
using System.Text.Json;
using Onnx;
using VaeAnomaly.Detectors;
using VaeAnomaly.Models;

namespace VaeAnomaly.Onnx;

/// <summary>
/// A dense window autoencoder or VAE (<c>dense-ae</c>, <c>dense-vae</c> on windows) as an ONNX graph: input <c>values</c>
/// (batch, window, channels); the flattened window through the network's evaluation path (the VAE decodes its posterior
/// mean); outputs the reconstruction, each step's mean squared error over the watched columns (<c>step_error</c>) and each
/// window's mean (<c>score</c>), as the detector computes them.
/// </summary>
internal static class DenseWindowGraph
{
    /// <summary>Builds the graph of a fitted dense window autoencoder.</summary>
    /// <param name="detector">The detector (its family <see cref="WindowNetworks.Dense"/>).</param>
    /// <param name="rawInput">True for the exported file (the scaler first, the reconstruction in the data's units); false for the engine.</param>
    public static ModelProto Build(WindowAutoencoderDetector detector, bool rawInput)
    {
        var shape = detector.WindowShape;
        var (window, c) = (shape.Window, shape.Channels.Count);
        var network = ((FlattenedWindows)detector.Network).Inner;
        var g = new OnnxGraph();
        var values = g.Input("values", "batch", window, c);
        var scaled = rawInput ? g.Standardized(values, detector.Scaler) : values;
        var x = g.Node("Reshape", [scaled, g.Longs(-1, window * c)]);
        foreach (var step in network.EvaluationSteps())
        {
            x = step.Op switch
            {
                "linear" => g.Node("Gemm", [x, g.Floats(step.Weight, step.Output, step.Input), g.Floats(step.Bias, step.Output)], null, ("transB", 1L)),
                "relu" => g.Node("Relu", [x]),
                "sigmoid" => g.Node("Sigmoid", [x]),
                _ => throw new InvalidOperationException($"Unknown dense step {step.Op}."),
            };
        }

        var reconstruction = g.Node("Reshape", [x, g.Longs(-1, window, c)]);
        var difference = g.Node("Sub", [reconstruction, scaled]);
        var squared = g.Node("Mul", [difference, difference]);
        var watched = g.Node("Gather", [squared, g.Longs([.. shape.TargetIndices.Select(i => (long)i)])], null, ("axis", 2L));
        var steps = g.Node("ReduceMean", [watched], null, ("axes", new long[] { 2 }), ("keepdims", 0L));
        var score = g.Node("ReduceMean", [steps], null, ("axes", new long[] { 1 }), ("keepdims", 0L));
        var scaler = detector.Scaler;
        var output = rawInput
            ? g.Node("Add", [g.Node("Mul", [reconstruction, g.Floats([.. scaler.Std.Select(v => (float)v)], c)]), g.Floats([.. scaler.Mean.Select(v => (float)v)], c)])
            : reconstruction;
        g.Output(output, "reconstruction", "batch", window, c);
        g.Output(steps, "step_error", "batch", window);
        g.Output(score, "score", "batch");
        var threshold = detector.Thresholds.ValueOrNaN(WindowAutoencoderDetector.WindowSet);
        return g.ToModel(
            new Dictionary<string, string>
            {
                ["vae_anomaly.model"] = detector.Name,
                ["vae_anomaly.input"] = rawInput ? "raw" : "scaled",
                ["vae_anomaly.channels"] = JsonSerializer.Serialize(shape.Channels),
                ["vae_anomaly.watched"] = JsonSerializer.Serialize(shape.TargetIndices.Select(i => shape.Channels[i])),
                ["vae_anomaly.window"] = window.ToString(CultureInfo.InvariantCulture),
                ["vae_anomaly.scaler_mean"] = JsonSerializer.Serialize(scaler.Mean),
                ["vae_anomaly.scaler_std"] = JsonSerializer.Serialize(scaler.Std),
                ["vae_anomaly.threshold_rule"] = detector.Thresholds.Rule,
                ["vae_anomaly.threshold"] = threshold.ToString("R", CultureInfo.InvariantCulture),
            },
            $"VaeAnomaly {detector.Name}: input 'values' (batch, {window}, {c}), raw, columns in the order of 'vae_anomaly.channels'; 'score' is each "
            + "window's mean squared reconstruction error over the watched columns; above 'vae_anomaly.threshold' is anomalous. Scores of a series "
            + "point by point: score the window ending at each point.");
    }
}
