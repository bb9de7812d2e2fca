using ScottPlot;
using VaeAnomaly.Evaluation;

namespace VaeAnomaly.Reporting;

/// <summary>The 2x2 confusion matrix at the threshold, as labelled cells.</summary>
public static class ConfusionMatrixPlot
{
    /// <summary>Writes the PNG.</summary>
    /// <param name="counts">The counts.</param>
    /// <param name="title">Figure title (say which threshold).</param>
    /// <param name="path">Destination PNG.</param>
    public static void Save(ConfusionCounts counts, string title, string path)
    {
        var plot = new Plot();
        var total = Math.Max(1, counts.TruePositives + counts.FalsePositives + counts.TrueNegatives + counts.FalseNegatives);
        // Rows: actual anomalous (top), actual normal (bottom); columns: flagged, not flagged.
        var cells = new (double X, double Y, int Count, string Name, bool Correct)[]
        {
            (0, 1, counts.TruePositives, "true positives", true),
            (1, 1, counts.FalseNegatives, "false negatives", false),
            (0, 0, counts.FalsePositives, "false positives", false),
            (1, 0, counts.TrueNegatives, "true negatives", true),
        };
        foreach (var (x, y, count, name, correct) in cells)
        {
            var box = plot.Add.Rectangle(x, x + 1, y, y + 1);
            box.FillColor = (correct ? PlotStyle.Normal : PlotStyle.Anomaly).WithAlpha(0.15 + (0.7 * count / total));
            box.LineColor = Colors.White;
            var text = plot.Add.Text($"{count}\n{name}", x + 0.5, y + 0.5);
            text.LabelFontSize = 18;
            text.LabelAlignment = Alignment.MiddleCenter;
        }

        plot.Axes.SetLimits(0, 2, 0, 2);
        plot.Axes.Bottom.SetTicks([0.5, 1.5], ["flagged", "not flagged"]);
        plot.Axes.Left.SetTicks([0.5, 1.5], ["actual normal", "actual anomalous"]);
        plot.Title(title);
        plot.Grid.IsVisible = false;
        PlotStyle.Save(plot, path);
    }
}
