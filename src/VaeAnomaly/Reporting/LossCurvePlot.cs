using ScottPlot;
using VaeAnomaly.Training;

namespace VaeAnomaly.Reporting;

/// <summary>Training and validation losses per epoch: reconstruction, KL and total.</summary>
public static class LossCurvePlot
{
    /// <summary>Writes the PNG.</summary>
    /// <param name="history">Per-epoch reports.</param>
    /// <param name="path">Destination PNG.</param>
    public static void Save(IReadOnlyList<EpochReport> history, string path)
    {
        var plot = new Plot();
        var epochs = history.Select(h => (double)h.Epoch).ToArray();
        void Line(Func<EpochReport, double> value, string label, Color color, bool dashed)
        {
            var s = plot.Add.Scatter(epochs, history.Select(value).ToArray());
            s.LegendText = label;
            s.Color = color;
            s.MarkerSize = 4;
            s.LinePattern = dashed ? LinePattern.Dashed : LinePattern.Solid;
        }

        Line(h => h.TrainReconstruction, "train reconstruction", PlotStyle.Normal, false);
        Line(h => h.ValidationReconstruction, "validation reconstruction", PlotStyle.Normal, true);
        Line(h => h.TrainTotal, "train total", PlotStyle.Threshold, false);
        Line(h => h.ValidationTotal, "validation total (full beta)", PlotStyle.Threshold, true);
        var kl = plot.Add.Scatter(epochs, history.Select(h => h.ValidationKl).ToArray());
        kl.LegendText = "validation KL (right axis)";
        kl.Color = PlotStyle.Anomaly;
        kl.MarkerSize = 4;
        kl.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Right.Label.Text = "KL (nats per input)";
        plot.Title("Training history");
        plot.XLabel("epoch");
        plot.YLabel("loss per input (sequence or window)");
        plot.ShowLegend(Alignment.UpperRight);
        PlotStyle.Save(plot, path);
    }
}
