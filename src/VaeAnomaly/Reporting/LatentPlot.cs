using ScottPlot;
using VaeAnomaly.Evaluation;

namespace VaeAnomaly.Reporting;

/// <summary>Posterior means projected to their first two principal components, coloured by label or type.</summary>
public static class LatentPlot
{
    private static readonly Color[] TypeColors = [Color.FromHex("#d62728"), Color.FromHex("#ff7f0e"), Color.FromHex("#9467bd"), Color.FromHex("#8c564b"), Color.FromHex("#e377c2")];

    /// <summary>Writes the PNG.</summary>
    /// <param name="latentMeans">One posterior mean per sequence.</param>
    /// <param name="types">Per sequence: <c>normal</c>, an anomaly type, or null when unlabelled.</param>
    /// <param name="path">Destination PNG.</param>
    public static void Save(IReadOnlyList<float[]> latentMeans, IReadOnlyList<string>? types, string path)
    {
        var points = PrincipalComponents.Project2D(latentMeans);
        var plot = new Plot();
        var groups = types is null
            ? [("all", Enumerable.Range(0, points.Length).ToArray())]
            : types.Select((t, i) => (t, i)).GroupBy(p => p.t).OrderBy(g => g.Key == "normal" ? 0 : 1).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (g.Key, g.Select(p => p.i).ToArray())).ToArray();
        var next = 0;
        foreach (var (name, members) in groups)
        {
            var s = plot.Add.ScatterPoints(members.Select(i => points[i].X).ToArray(), members.Select(i => points[i].Y).ToArray());
            s.Color = name is "normal" or "all" ? PlotStyle.Normal.WithAlpha(0.35) : TypeColors[next++ % TypeColors.Length];
            s.MarkerSize = name is "normal" or "all" ? 4 : 7;
            s.LegendText = $"{name} ({members.Length})";
        }

        plot.Title("Latent space: posterior means, first two principal components");
        plot.XLabel("PC 1");
        plot.YLabel("PC 2");
        plot.ShowLegend(Alignment.UpperRight);
        PlotStyle.Save(plot, path);
    }
}
