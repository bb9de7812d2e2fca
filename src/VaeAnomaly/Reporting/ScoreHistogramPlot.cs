using ScottPlot;

namespace VaeAnomaly.Reporting;

/// <summary>Score distributions of normal and anomalous sequences, with the threshold.</summary>
public static class ScoreHistogramPlot
{
    /// <summary>Writes the PNG; densities are per class so a rare class stays visible.</summary>
    /// <param name="scores">Scores.</param>
    /// <param name="labels">True for anomalies, or null when unknown (one histogram).</param>
    /// <param name="threshold">Drawn as a vertical line unless NaN.</param>
    /// <param name="title">Figure title.</param>
    /// <param name="path">Destination PNG.</param>
    public static void Save(IReadOnlyList<double> scores, IReadOnlyList<bool>? labels, double threshold, string title, string path)
    {
        const int bins = 40;
        var plot = new Plot();
        var (low, high) = (scores.Min(), scores.Max());
        if (!double.IsNaN(threshold))
        {
            (low, high) = (Math.Min(low, threshold), Math.Max(high, threshold));
        }

        var width = high > low ? (high - low) / bins : 1;
        void Add(IEnumerable<double> values, string label, Color color)
        {
            var v = values.ToArray();
            if (v.Length == 0)
            {
                return;
            }

            var counts = new double[bins];
            foreach (var x in v)
            {
                counts[Math.Clamp((int)((x - low) / width), 0, bins - 1)]++;
            }

            var bars = plot.Add.Bars(Enumerable.Range(0, bins).Select(i => low + ((i + 0.5) * width)).ToArray(), counts.Select(c => c / v.Length).ToArray());
            bars.LegendText = $"{label} ({v.Length})";
            foreach (var bar in bars.Bars)
            {
                bar.FillColor = color.WithAlpha(0.55);
                bar.LineWidth = 0;
                bar.Size = width;
            }
        }

        if (labels is null)
        {
            Add(scores, "all", PlotStyle.Normal);
        }
        else
        {
            Add(scores.Where((_, i) => !labels[i]), "normal", PlotStyle.Normal);
            Add(scores.Where((_, i) => labels[i]), "anomalous", PlotStyle.Anomaly);
        }

        if (!double.IsNaN(threshold))
        {
            var line = plot.Add.VerticalLine(threshold);
            line.Color = PlotStyle.Threshold;
            line.LinePattern = LinePattern.Dashed;
            line.LegendText = $"threshold {threshold:G4}";
        }

        plot.Title(title);
        plot.XLabel("score");
        plot.YLabel("fraction of class");
        plot.ShowLegend(Alignment.UpperRight);
        PlotStyle.Save(plot, path);
    }
}
