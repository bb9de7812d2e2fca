using Onnx;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Onnx;

/// <summary>
/// The <c>seasonal</c> check as an ONNX graph: input <c>values</c> (batch, 3 periods + window + 1, channels), the last row
/// of each input the one scored; output <c>score</c> (batch). The residuals of the last window + 1 rows (each row less the
/// median of the rows 1, 2 and 3 periods before it), then the newest residual's largest deviation over the watched
/// columns from the mean of the window before it, in their standard deviations (never below the detector's floor), in
/// double precision as <see cref="SeasonalDetector"/> computes it. Equal to the detector's row score once a series has
/// those rows before it.
/// </summary>
internal static class SeasonalGraph
{
    /// <summary>Builds the graph of a fitted seasonal.</summary>
    /// <param name="detector">The model.</param>
    /// <param name="rawInput">True for the exported file (every column in, the watched ones gathered); false for the engine, which hands it the watched columns only.</param>
    public static ModelProto Build(SeasonalDetector detector, bool rawInput)
    {
        var (period, window, _, floor) = detector.State;
        var rows = detector.Lookback;
        var g = new OnnxGraph();
        var values = g.Input("values", "batch", rows, rawInput ? detector.Channels.Count : floor.Length);
        var watched = rawInput ? g.Node("Gather", [values, g.Longs([.. detector.WatchedIndices.Select(i => (long)i)])], null, ("axis", 2L)) : values;
        var x = g.Node("Cast", [watched], null, ("to", (long)TensorProto.Types.DataType.Double));

        // The last window + 1 rows and, for each, the rows 1, 2 and 3 periods before it: four slices of window + 1 rows.
        string Rows(int periodsBack) => g.Node("Slice", [x, g.Longs(rows - window - 1 - (periodsBack * period)), g.Longs(rows - (periodsBack * period)), g.Longs(1)]);
        var (one, two, three) = (Rows(1), Rows(2), Rows(3));
        var median = g.Node("Max", [g.Node("Min", [one, two]), g.Node("Min", [g.Node("Max", [one, two]), three])]);
        var residuals = g.Node("Sub", [Rows(0), median]);

        g.Output(GaussianGraph.NewestDeviation(g, residuals, window, floor), "score", "batch");
        return g.ToModel(
            OnnxMetadata.Of(detector.Name, rawInput, detector.Channels, detector.Targets, rows, null, detector.Thresholds, RowDetector.StepSet),
            $"VaeAnomaly seasonal: input 'values' (batch, {rows}, channels), raw, columns in the order of 'vae_anomaly.channels'; 'score' is the last "
            + $"row's largest deviation over the watched columns of its residual (the value less the median of the values {period}, {2 * period} and {3 * period} rows before) "
            + $"from the mean of the {window} residuals before it, in their standard deviations; above 'vae_anomaly.threshold' is anomalous. "
            + "Scores of a series point by point: score the rows ending at each point.");
    }
}
