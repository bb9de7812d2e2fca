using System.Globalization;
using ScottPlot;
using VaeAnomaly.Evaluation;

namespace VaeAnomaly.Reporting;

/// <summary>Precision-recall and ROC curves of one or more scores, AUC in the legend.</summary>
public static class RankingCurvePlot
{
    private static readonly Color[] Palette = [PlotStyle.Normal, PlotStyle.Accent, PlotStyle.Anomaly, Color.FromHex("#2ca02c")];

    /// <summary>Precision against recall; the recall@95%-precision point of each score is marked.</summary>
    /// <param name="labels">True for anomalies.</param>
    /// <param name="scores">Score name to scores.</param>
    /// <param name="path">Destination PNG.</param>
    public static void SavePrecisionRecall(IReadOnlyList<bool> labels, IReadOnlyList<KeyValuePair<string, double[]>> scores, string path)
    {
        var plot = new Plot();
        for (var k = 0; k < scores.Count; k++)
        {
            var (name, values) = scores[k];
            var curve = PrecisionRecallCurve.Compute(labels, values);
            var recall = new[] { 0.0 }.Concat(curve.Recall).ToArray();
            var precision = new[] { curve.Precision[0] }.Concat(curve.Precision).ToArray();
            var line = plot.Add.Scatter(recall, precision);
            line.ConnectStyle = ConnectStyle.StepVertical;
            line.MarkerSize = 0;
            line.LineWidth = 2;
            line.Color = Palette[k % Palette.Length];
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"{name}: AUC-PR {RankingMetrics.AveragePrecision(labels, values):F3}");
            var r95 = RankingMetrics.RecallAtPrecision(labels, values, 0.95);
            if (r95 > 0)
            {
                var marker = plot.Add.Marker(r95, 0.95);
                marker.Color = line.Color;
                marker.Size = 10;
                marker.LegendText = string.Create(CultureInfo.InvariantCulture, $"{name}: recall {r95:F2} at 95% precision");
            }
        }

        var ratio = labels.Count(l => l) / (double)labels.Count;
        var chance = plot.Add.HorizontalLine(ratio);
        chance.Color = Colors.Gray;
        chance.LinePattern = LinePattern.Dotted;
        chance.LegendText = string.Create(CultureInfo.InvariantCulture, $"random score: {ratio:F3}");
        plot.Axes.SetLimits(0, 1, 0, 1.02);
        plot.Title("Precision-recall");
        plot.XLabel("recall");
        plot.YLabel("precision");
        plot.ShowLegend(Alignment.UpperRight);
        PlotStyle.Save(plot, path);
    }

    /// <summary>True positive rate against false positive rate.</summary>
    /// <param name="labels">True for anomalies.</param>
    /// <param name="scores">Score name to scores.</param>
    /// <param name="path">Destination PNG.</param>
    public static void SaveRoc(IReadOnlyList<bool> labels, IReadOnlyList<KeyValuePair<string, double[]>> scores, string path)
    {
        var plot = new Plot();
        for (var k = 0; k < scores.Count; k++)
        {
            var (name, values) = scores[k];
            var (fpr, tpr) = RocCurve.Compute(labels, values);
            var line = plot.Add.Scatter(fpr, tpr);
            line.MarkerSize = 0;
            line.LineWidth = 2;
            line.Color = Palette[k % Palette.Length];
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"{name}: AUC-ROC {RankingMetrics.RocAuc(labels, values):F3}");
        }

        var diagonal = plot.Add.Line(0, 0, 1, 1);
        diagonal.Color = Colors.Gray;
        diagonal.LinePattern = LinePattern.Dotted;
        diagonal.LegendText = "random score: 0.500";
        plot.Axes.SetLimits(0, 1, 0, 1.02);
        plot.Title("ROC");
        plot.XLabel("false positive rate");
        plot.YLabel("true positive rate");
        plot.ShowLegend(Alignment.LowerRight);
        PlotStyle.Save(plot, path);
    }
}
