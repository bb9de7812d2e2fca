using ScottPlot;

namespace VaeAnomaly.Reporting;

/// <summary>A series over time: its point scores with the threshold and flags, or its watched columns, labelled segments shaded.</summary>
public static class SeriesTimelinePlot
{
    /// <summary>Writes the PNG of the point scores: the threshold a line, the flagged rows marked, the labelled segments shaded.</summary>
    /// <param name="scores">Per row.</param>
    /// <param name="threshold">Scores above it are flagged.</param>
    /// <param name="labels">Per row, true when labelled anomalous.</param>
    /// <param name="title">Figure title.</param>
    /// <param name="path">Destination PNG.</param>
    public static void SaveScores(IReadOnlyList<float> scores, double threshold, IReadOnlyList<bool> labels, string title, string path)
    {
        var plot = new Plot();
        Shade(plot, labels);
        var t = Enumerable.Range(0, scores.Count).Select(i => (double)i).ToArray();
        var line = plot.Add.Scatter(t, scores.Select(s => (double)s).ToArray());
        line.MarkerSize = 0;
        line.Color = PlotStyle.Normal;
        line.LegendText = "point score";
        var flagged = Enumerable.Range(0, scores.Count).Where(i => scores[i] > threshold).ToArray();
        if (flagged.Length > 0)
        {
            var marks = plot.Add.ScatterPoints(flagged.Select(i => (double)i).ToArray(), flagged.Select(i => (double)scores[i]).ToArray());
            marks.Color = PlotStyle.Anomaly;
            marks.MarkerSize = 4;
            marks.LegendText = "flagged";
        }

        var rule = plot.Add.HorizontalLine(threshold);
        rule.Color = PlotStyle.Threshold;
        rule.LinePattern = LinePattern.Dashed;
        rule.LegendText = "threshold";
        plot.Title(title);
        plot.XLabel("row");
        plot.YLabel("score");
        plot.ShowLegend(Alignment.UpperLeft);
        PlotStyle.Save(plot, path);
    }

    /// <summary>Writes the PNG of the watched columns, stacked with a vertical offset, labelled segments shaded.</summary>
    /// <param name="channels">Column names.</param>
    /// <param name="values">Row-major (row, column).</param>
    /// <param name="shown">The column indices to draw, at most four are.</param>
    /// <param name="labels">Per row, true when labelled anomalous.</param>
    /// <param name="title">Figure title.</param>
    /// <param name="path">Destination PNG.</param>
    public static void SaveValues(IReadOnlyList<string> channels, float[] values, IReadOnlyList<int> shown, IReadOnlyList<bool> labels, string title, string path)
    {
        var c = channels.Count;
        var length = values.Length / c;
        var plot = new Plot();
        Shade(plot, labels);
        var t = Enumerable.Range(0, length).Select(i => (double)i).ToArray();
        var offset = 0.0;
        foreach (var ch in shown.Take(4))
        {
            var v = Enumerable.Range(0, length).Select(i => (double)values[(i * c) + ch]).ToArray();
            var spread = Math.Max(1e-6, v.Max() - v.Min());
            var shift = offset - v.Min();
            var line = plot.Add.Scatter(t, v.Select(x => x + shift).ToArray());
            line.MarkerSize = 0;
            line.Color = PlotStyle.Normal;
            var label = plot.Add.Text(channels[ch], 0, offset + spread);
            label.LabelFontSize = 12;
            offset += spread * 1.25;
        }

        plot.Title(title);
        plot.XLabel("row");
        plot.YLabel("columns (offset for display)");
        plot.Axes.Left.TickLabelStyle.IsVisible = false;
        plot.ShowLegend(Alignment.UpperRight);
        PlotStyle.Save(plot, path);
    }

    /// <summary>Shades each labelled segment; the first one carries the legend.</summary>
    private static void Shade(Plot plot, IReadOnlyList<bool> labels)
    {
        var first = true;
        foreach (var (start, end) in Evaluation.PointEvaluation.Segments(labels))
        {
            var span = plot.Add.HorizontalSpan(start - 0.5, end + 0.5);
            span.FillColor = PlotStyle.Anomaly.WithAlpha(0.15);
            span.LegendText = first ? "labelled anomalous" : "";
            first = false;
        }
    }
}
