using Onnx;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Onnx;

/// <summary>
/// The <c>gaussian</c> check as an ONNX graph: input <c>values</c> (batch, window + 1, channels), the last row of each input
/// the one scored; output <c>score</c> (batch), its largest deviation over the watched columns from the mean of the
/// window of rows before it, in their standard deviations (never below the detector's floor), in double precision as
/// <see cref="GaussianDetector"/> computes it. Equal to the detector's row score once a series has a window of rows.
/// </summary>
internal static class GaussianGraph
{
    /// <summary>Builds the graph of a fitted gaussian.</summary>
    /// <param name="detector">The model.</param>
    /// <param name="rawInput">True for the exported file (every column in, the watched ones gathered); false for the engine, which hands it the watched columns only.</param>
    public static ModelProto Build(GaussianDetector detector, bool rawInput)
    {
        var (window, _, floor) = detector.State;
        var g = new OnnxGraph();
        var values = g.Input("values", "batch", window + 1, rawInput ? detector.Channels.Count : floor.Length);
        var watched = rawInput ? g.Node("Gather", [values, g.Longs([.. detector.WatchedIndices.Select(i => (long)i)])], null, ("axis", 2L)) : values;
        var x = g.Node("Cast", [watched], null, ("to", (long)TensorProto.Types.DataType.Double));
        g.Output(NewestDeviation(g, x, window, floor), "score", "batch");
        return g.ToModel(
            OnnxMetadata.Of(detector.Name, rawInput, detector.Channels, detector.Targets, window + 1, null, detector.Thresholds, RowDetector.StepSet),
            $"VaeAnomaly gaussian: input 'values' (batch, {window + 1}, channels), raw, columns in the order of 'vae_anomaly.channels'; 'score' is the last "
            + $"row's largest deviation over the watched columns from the mean of the {window} rows before it, in their standard deviations; above "
            + "'vae_anomaly.threshold' is anomalous. Scores of a series point by point: score the rows ending at each point.");
    }

    /// <summary>
    /// The score of the last of <paramref name="window"/> + 1 rows of <paramref name="x"/> (batch, window + 1, watched
    /// columns; double): its largest deviation over the columns from the mean of the rows before it, in their standard
    /// deviations, never below <paramref name="floor"/>, as a float (batch). The gaussian's score of values, the
    /// seasonal's of residuals.
    /// </summary>
    /// <param name="g">The graph.</param>
    /// <param name="x">The rows.</param>
    /// <param name="window">Rows before the last.</param>
    /// <param name="floor">Each column's smallest deviation.</param>
    internal static string NewestDeviation(OnnxGraph g, string x, int window, double[] floor)
    {
        var past = g.Node("Slice", [x, g.Longs(0), g.Longs(window), g.Longs(1)]);
        var current = g.Node("Slice", [x, g.Longs(window), g.Longs(window + 1), g.Longs(1)]);
        var mean = g.Node("ReduceMean", [past], null, ("axes", new long[] { 1 }), ("keepdims", 1L));
        var meanSquare = g.Node("ReduceMean", [g.Node("Mul", [past, past])], null, ("axes", new long[] { 1 }), ("keepdims", 1L));
        var spread = g.Node("Sqrt", [g.Node("Max", [g.Node("Sub", [meanSquare, g.Node("Mul", [mean, mean])]), g.Double(0)])]);
        var deviation = g.Node("Div", [g.Node("Abs", [g.Node("Sub", [current, mean])]), g.Node("Max", [spread, g.Doubles(floor)])]);
        var worst = g.Node("Max", [g.Node("ReduceMax", [deviation], null, ("axes", new long[] { 1, 2 }), ("keepdims", 0L)), g.Double(0)]);
        var capped = g.Node("Min", [worst, g.Double(float.MaxValue)]);
        return g.Node("Cast", [capped], null, ("to", (long)TensorProto.Types.DataType.Float));
    }
}
