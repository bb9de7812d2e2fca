using Onnx;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Onnx;

/// <summary>
/// The <c>range</c> check as an ONNX graph: input <c>values</c> (rows, channels), raw; output <c>score</c> (rows), each row's
/// largest distance outside a watched column's training range in units of that range, computed in double precision as
/// <see cref="RangeDetector"/> does.
/// </summary>
internal static class RangeGraph
{
    /// <summary>Builds the graph of a fitted range check.</summary>
    /// <param name="detector">The model.</param>
    public static ModelProto Build(RangeDetector detector)
    {
        var (min, max) = detector.Range;
        var span = min.Select((lo, j) => max[j] - lo > 0 ? max[j] - lo : 1).ToArray();
        var g = new OnnxGraph();
        var values = g.Input("values", "rows", detector.Channels.Count);
        var watched = g.Node("Gather", [values, g.Longs([.. detector.WatchedIndices.Select(i => (long)i)])], null, ("axis", 1L));
        var x = g.Node("Cast", [watched], null, ("to", (long)TensorProto.Types.DataType.Double));
        var above = g.Node("Sub", [x, g.Doubles(max)]);
        var below = g.Node("Sub", [g.Doubles(min), x]);
        var outside = g.Node("Div", [g.Node("Max", [above, below]), g.Doubles(span)]);
        var worst = g.Node("Max", [g.Node("ReduceMax", [outside], null, ("axes", new long[] { 1 }), ("keepdims", 0L)), g.Double(0)]);
        g.Output(g.Node("Cast", [worst], null, ("to", (long)TensorProto.Types.DataType.Float)), "score", "rows");
        return g.ToModel(
            OnnxMetadata.Of(detector.Name, rawInput: true, detector.Channels, detector.Targets, 1, null, detector.Thresholds, RowDetector.StepSet),
            "VaeAnomaly range: input 'values' (rows, channels), raw, in the order of 'vae_anomaly.channels'; output 'score', each row's largest "
            + "distance outside a watched column's training range in units of that range; above 'vae_anomaly.threshold' is anomalous.");
    }
}
