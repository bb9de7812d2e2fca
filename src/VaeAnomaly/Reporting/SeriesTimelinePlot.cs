using ScottPlot;
using VaeAnomaly.Data;

namespace VaeAnomaly.Reporting;

/// <summary>
/// A series over time: its point scores with the threshold and flags, or its watched columns, labelled segments shaded.
/// The horizontal axis is the rows' dates when every timestamp reads as a date and none goes backwards, else the row.
/// </summary>
public static class SeriesTimelinePlot
{
    /// <summary>Writes the PNG of the point scores: the threshold a line, the flagged rows marked, the labelled segments shaded.</summary>
    /// <param name="scores">Per row.</param>
    /// <param name="threshold">Scores above it are flagged.</param>
    /// <param name="labels">Per row, true when labelled anomalous.</param>
    /// <param name="title">Figure title.</param>
    /// <param name="path">Destination PNG.</param>
    /// <param name="timestamps">Per row, its time column's text; null draws rows.</param>
    public static void SaveScores(IReadOnlyList<float> scores, double threshold, IReadOnlyList<bool> labels, string title, string path, IReadOnlyList<string>? timestamps = null)
    {
        var plot = new Plot();
        var t = Axis(plot, timestamps, scores.Count);
        Shade(plot, labels, t);
        var line = plot.Add.Scatter(t, scores.Select(s => (double)s).ToArray());
        line.MarkerSize = 0;
        line.Color = PlotStyle.Normal;
        line.LegendText = "point score";
        var flagged = Enumerable.Range(0, scores.Count).Where(i => scores[i] > threshold).ToArray();
        if (flagged.Length > 0)
        {
            var marks = plot.Add.ScatterPoints(flagged.Select(i => t[i]).ToArray(), flagged.Select(i => (double)scores[i]).ToArray());
            marks.Color = PlotStyle.Anomaly;
            marks.MarkerSize = 4;
            marks.LegendText = "flagged";
        }

        var rule = plot.Add.HorizontalLine(threshold);
        rule.Color = PlotStyle.Threshold;
        rule.LinePattern = LinePattern.Dashed;
        rule.LegendText = "threshold";
        plot.Title(title);
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
    /// <param name="timestamps">Per row, its time column's text; null draws rows.</param>
    public static void SaveValues(IReadOnlyList<string> channels, float[] values, IReadOnlyList<int> shown, IReadOnlyList<bool> labels, string title, string path, IReadOnlyList<string>? timestamps = null)
    {
        var c = channels.Count;
        var length = values.Length / c;
        var plot = new Plot();
        var t = Axis(plot, timestamps, length);
        Shade(plot, labels, t);
        var offset = 0.0;
        foreach (var ch in shown.Take(4))
        {
            var v = Enumerable.Range(0, length).Select(i => (double)values[(i * c) + ch]).ToArray();
            var spread = Math.Max(1e-6, v.Max() - v.Min());
            var shift = offset - v.Min();
            var line = plot.Add.Scatter(t, v.Select(x => x + shift).ToArray());
            line.MarkerSize = 0;
            line.Color = PlotStyle.Normal;
            var label = plot.Add.Text(channels[ch], t.Length > 0 ? t[0] : 0, offset + spread);
            label.LabelFontSize = 12;
            offset += spread * 1.25;
        }

        plot.Title(title);
        plot.YLabel("columns (offset for display)");
        plot.Axes.Left.TickLabelStyle.IsVisible = false;
        plot.ShowLegend(Alignment.UpperRight);
        PlotStyle.Save(plot, path);
    }

    /// <summary>Each row's place on the horizontal axis, labelled: its date, or its number (see <see cref="Dates"/>).</summary>
    private static double[] Axis(Plot plot, IReadOnlyList<string>? timestamps, int rows)
    {
        if (timestamps is not null && timestamps.Count == rows && Dates(timestamps) is { } dates)
        {
            // ISO dates, with the time of day where a tick has one (the default labels are month/day/year).
            if (plot.Axes.DateTimeTicksBottom().TickGenerator is ScottPlot.TickGenerators.DateTimeAutomatic ticks)
            {
                ticks.LabelFormatter = d => d.ToString(d.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : d.Second != 0 || d.Millisecond != 0 ? "yyyy-MM-dd\nHH:mm:ss" : "yyyy-MM-dd\nHH:mm", System.Globalization.CultureInfo.InvariantCulture);
            }

            plot.XLabel("time");
            return dates;
        }

        plot.XLabel("row");
        return [.. Enumerable.Range(0, rows).Select(i => (double)i)];
    }

    /// <summary>
    /// The rows' times as OLE Automation dates (what ScottPlot's date axis reads) when every timestamp reads as a date and
    /// none is earlier than the one before it; null otherwise (numbers, labels, or rows out of order, which would fold
    /// the line back on itself), so the axis shows rows.
    /// </summary>
    /// <param name="timestamps">The rows' time column, as written.</param>
    internal static double[]? Dates(IReadOnlyList<string> timestamps)
    {
        var times = timestamps.Select(TimeOrder.Read).ToArray();
        return times.Length > 1 && times.All(x => x.Date is not null) && TimeOrder.FirstBackwards(times) is null
            ? [.. times.Select(x => x.Date!.Value.ToOADate())]
            : null;
    }

    /// <summary>Shades each labelled segment, half a step beyond its first and last rows; the first one carries the legend.</summary>
    private static void Shade(Plot plot, IReadOnlyList<bool> labels, double[] x)
    {
        var first = true;
        foreach (var (start, end) in Evaluation.PointEvaluation.Segments(labels))
        {
            var before = start > 0 ? (x[start] - x[start - 1]) / 2 : HalfStep(x, 1);
            var after = end + 1 < x.Length ? (x[end + 1] - x[end]) / 2 : HalfStep(x, x.Length - 1);
            var span = plot.Add.HorizontalSpan(x[start] - before, x[end] + after);
            span.FillColor = PlotStyle.Anomaly.WithAlpha(0.15);
            span.LegendText = first ? "labelled anomalous" : "";
            first = false;
        }
    }

    /// <summary>Half the step that ends at row <paramref name="i"/>; half a row when there is no step.</summary>
    private static double HalfStep(double[] x, int i) => i >= 1 && i < x.Length ? (x[i] - x[i - 1]) / 2 : 0.5;
}
