using Onnx;
using VaeAnomaly.Detectors;
using VaeAnomaly.Models;

namespace VaeAnomaly.Onnx;

/// <summary>
/// A dense autoencoder or VAE of whole fixed-length sequences as an ONNX graph: input <c>values</c> (batch, length,
/// channels); the flattened sequence through the network's evaluation path; outputs the reconstruction and <c>score</c>,
/// the sum of squared errors over every value, as <see cref="DenseDetector"/> computes it. A model of records exported
/// with raw input reads the records' columns instead (<see cref="RecordsGraph"/>), and its reconstruction is of the encoded inputs.
/// </summary>
internal static class DenseSequenceGraph
{
    /// <summary>Builds the graph of a fitted dense model of fixed-length sequences.</summary>
    /// <param name="detector">The detector.</param>
    /// <param name="rawInput">True for the exported file (its scaler, when it has one, first; the reconstruction in the data's units); false for the engine.</param>
    public static ModelProto Build(DenseDetector detector, bool rawInput)
    {
        var shape = detector.Input;
        var (length, c) = (shape.Length, shape.Channels.Count);
        var g = new OnnxGraph();
        var records = rawInput ? shape.Encoder : null;
        var values = records is null ? g.Input("values", "batch", length, c) : RecordsGraph.Encoded(g, records);
        var scaler = rawInput ? shape.Scaler : null;
        var scaled = scaler is null ? values : g.Standardized(values, scaler);
        var reconstruction = WindowAutoencoderGraph.Dense(g, scaled, NetworkState.DenseSteps(detector.State, shape.Options, length * c, ""), length, c);
        var difference = g.Node("Sub", [reconstruction, scaled]);
        var score = g.Node("ReduceSum", [g.Node("Mul", [difference, difference]), g.Longs(1, 2)], null, ("keepdims", 0L));
        var output = scaler is null
            ? reconstruction
            : g.Node("Add", [g.Node("Mul", [reconstruction, g.Floats([.. scaler.Std.Select(v => (float)v)], c)]), g.Floats([.. scaler.Mean.Select(v => (float)v)], c)]);
        g.Output(output, "reconstruction", "batch", length, c);
        g.Output(score, "score", "batch");
        var metadata = OnnxMetadata.Of(detector.Name, rawInput, shape.Channels, shape.Channels, length, shape.Scaler, detector.Thresholds, detector.Thresholds.Primary);
        if (records is not null)
        {
            return g.ToModel(RecordsGraph.With(metadata, records), RecordsGraph.Description(detector.Name, records, "each record's sum of squared reconstruction errors over its encoded inputs"));
        }

        return g.ToModel(
            metadata,
            $"VaeAnomaly {detector.Name}: input 'values' (batch, {length}, {c}), raw, columns in the order of 'vae_anomaly.channels', every sequence "
            + $"{length} steps; 'score' is each sequence's sum of squared reconstruction errors; above 'vae_anomaly.threshold' is anomalous.");
    }
}
