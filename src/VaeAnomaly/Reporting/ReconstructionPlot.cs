using ScottPlot;

namespace VaeAnomaly.Reporting;

/// <summary>One sequence's channels with the model's reconstruction overlaid and the worst-error span shaded.</summary>
public static class ReconstructionPlot
{
    /// <summary>Writes the PNG; channels are stacked with a vertical offset so they do not overlap.</summary>
    /// <param name="channels">Channel names.</param>
    /// <param name="observed">Row-major (time, channels).</param>
    /// <param name="reconstruction">Row-major (time, channels), same length.</param>
    /// <param name="span">The flagged span [start, end), or null.</param>
    /// <param name="title">Figure title (say the id, label and score).</param>
    /// <param name="path">Destination PNG.</param>
    /// <param name="maxChannels">Plot at most this many channels (those first in <paramref name="order"/>).</param>
    /// <param name="order">Channel indices in plotting priority, e.g. largest error share first; all channels when null.</param>
    public static void Save(IReadOnlyList<string> channels, float[] observed, float[] reconstruction, (int Start, int End)? span,
        string title, string path, int maxChannels = 4, IReadOnlyList<int>? order = null)
    {
        var c = channels.Count;
        var length = observed.Length / c;
        var shown = (order ?? Enumerable.Range(0, c).ToArray()).Take(maxChannels).ToArray();
        var plot = new Plot();
        var t = Enumerable.Range(0, length).Select(i => (double)i).ToArray();
        var offset = 0.0;
        foreach (var ch in shown)
        {
            var obs = Enumerable.Range(0, length).Select(i => (double)observed[(i * c) + ch]).ToArray();
            var rec = Enumerable.Range(0, length).Select(i => (double)reconstruction[(i * c) + ch]).ToArray();
            var spread = Math.Max(1e-6, Math.Max(obs.Max(), rec.Max()) - Math.Min(obs.Min(), rec.Min()));
            var shift = offset - Math.Min(obs.Min(), rec.Min());
            var a = plot.Add.Scatter(t, obs.Select(v => v + shift).ToArray());
            a.MarkerSize = 0;
            a.Color = PlotStyle.Normal;
            a.LegendText = ch == shown[0] ? "observed" : "";
            var b = plot.Add.Scatter(t, rec.Select(v => v + shift).ToArray());
            b.MarkerSize = 0;
            b.Color = PlotStyle.Accent;
            b.LinePattern = LinePattern.Dashed;
            b.LegendText = ch == shown[0] ? "reconstruction" : "";
            var label = plot.Add.Text(channels[ch], 0, offset + spread);
            label.LabelFontSize = 12;
            offset += spread * 1.25;
        }

        if (span is { } s)
        {
            var shade = plot.Add.HorizontalSpan(s.Start, s.End - 1);
            shade.FillColor = PlotStyle.Anomaly.WithAlpha(0.15);
            shade.LegendText = "highest-error span";
        }

        plot.Title(title);
        plot.XLabel("time step");
        plot.YLabel("channels (offset for display)");
        plot.Axes.Left.TickLabelStyle.IsVisible = false;
        plot.ShowLegend(Alignment.UpperRight);
        PlotStyle.Save(plot, path);
    }
}
