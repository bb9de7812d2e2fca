using System.Globalization;
using System.Text;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Evaluation;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Reporting;

public static partial class EvaluationReport
{
    /// <summary>Rows listed by score.</summary>
    private const int TopRows = 10;

    /// <summary>Alarms listed, those with the highest peaks.</summary>
    private const int ListedAlarms = 20;

    /// <summary>
    /// Writes the figures and <c>report.html</c> of a scored series into <paramref name="directory"/>: its alarms (each run
    /// of flagged rows, with its peak and the columns that made it), the highest-scoring rows with their columns, and the
    /// scores and columns over time; for a labelled series also how well the point scores rank the labelled rows (beside a
    /// random score), and each labelled event, found or not, how soon, with its peak and columns.
    /// </summary>
    /// <param name="detector">The bundle's model.</param>
    /// <param name="series">The series; labels are optional.</param>
    /// <param name="scoring">Its scores, threshold and, when labelled, metrics.</param>
    /// <param name="directory">An existing folder (a staging folder).</param>
    /// <param name="title">Report title.</param>
    public static void WriteSeries(IFittedDetector detector, Series series, SeriesScoring scoring, string directory, string title)
    {
        var labels = series.Labels?.ToArray();
        if (labels is not null != scoring.Evaluation is not null)
        {
            throw new ArgumentException("A labelled series is reported with its metrics, an unlabelled one without.", nameof(scoring));
        }

        var scores = scoring.Scores;
        var values = scores.Select(s => (double)s).ToArray();
        var threshold = scoring.Threshold;
        var flags = values.Select(v => v > threshold).ToArray();
        var explained = new Dictionary<int, Attribution?>();
        Attribution? Explain(int t) => explained.TryGetValue(t, out var a) ? a : explained[t] = scoring.Explain?.Invoke(t);
        string Columns(int t) => Explain(t)?.Strongest() ?? "-";
        int Peak(int first, int last) => Enumerable.Range(first, last - first + 1).MaxBy(t => values[t]);

        var html = Begin(title);
        html.Append("<p>").Append(series.Length).Append(" rows, ").Append(series.ChannelNames.Count).Append(" columns");
        if (labels is not null)
        {
            var count = PointEvaluation.Segments(labels).Count;
            html.Append("; <b>").Append(labels.Count(l => l)).Append("</b> labelled anomalous in ").Append(count).Append(count == 1 ? " segment" : " segments");
        }

        html.Append(". Model: <b>").Append(E(detector.Name)).Append("</b>, ").Append(E(scoring.Scoring)).Append(" point scores. Threshold: ").Append(ThresholdWords(scoring.Rule, threshold.ToString("G4", CultureInfo.InvariantCulture), "fitted without labels")).Append(". <b>").Append(flags.Count(f => f)).Append("</b> rows flagged.</p>");
        if (labels is not null)
        {
            AppendRanking(html, [new ScoreEvaluation("point score", ScoreMetrics.Compute(labels, values), new ThresholdOutcome(scoring.Rule, threshold, scoring.Evaluation!.Confusion))], labels);
            AppendLabelledEvents(html, series, (labels, flags, scoring.Evaluation.Events), values, Peak, Columns);
        }

        // Alarms: each run of consecutive flagged rows, those with the highest peaks.
        var alarms = AlarmsCsv.Of(scores, threshold); // the runs --alarms writes, with the same peaks
        html.Append("<h2>Alarms</h2><p>").Append(alarms.Count).Append(alarms.Count == 1 ? " run" : " runs").Append(" of consecutive flagged rows")
            .Append(alarms.Count > ListedAlarms ? $"; the {ListedAlarms} with the highest peaks, in time order" : "").Append(".</p>")
            .Append("<table><tr><th>alarm</th><th>rows</th><th>peak score</th><th>columns at the peak</th>").Append(labels is null ? "" : "<th>on a labelled segment</th>").Append("</tr>");
        foreach (var (first, last, peak) in alarms.OrderByDescending(a => values[a.Peak]).Take(ListedAlarms).OrderBy(a => a.First))
        {
            html.Append("<tr><td>").Append(E(series.Timestamps[first])).Append(last > first ? $" to {E(series.Timestamps[last])}" : "").Append("</td><td>").Append(last - first + 1)
                .Append("</td><td>").Append(G(values[peak])).Append("</td><td>").Append(E(Columns(peak))).Append("</td>");
            if (labels is not null)
            {
                html.Append("<td>").Append(Enumerable.Range(first, last - first + 1).Any(t => labels[t]) ? "yes" : "<span class=\"flag\">no</span>").Append("</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</table>");

        // The highest rows, each at least a lookback from a higher one listed: distinct moments, not one plateau's neighbours.
        var apart = Math.Max(1, (detector as IScoresPoints)?.Lookback ?? 1);
        var top = new List<int>();
        foreach (var t in Enumerable.Range(0, scores.Count).OrderByDescending(t => values[t]))
        {
            if (top.Count == TopRows)
            {
                break;
            }

            if (top.TrueForAll(u => Math.Abs(u - t) >= apart))
            {
                top.Add(t);
            }
        }

        html.Append("<h2>Highest-scoring rows</h2><p>Each at least ").Append(apart).Append(apart == 1 ? " row" : " rows (the rows one score reads)").Append(" from a higher one listed.</p>")
            .Append("<table><tr><th>time</th><th>score</th><th>flagged</th>").Append(labels is null ? "" : "<th>truth</th>").Append("<th>strongest columns (share of the score)</th></tr>");
        foreach (var t in top)
        {
            html.Append("<tr><td>").Append(E(series.Timestamps[t])).Append("</td><td>").Append(G(values[t])).Append("</td><td>").Append(flags[t] ? "<span class=\"flag\">yes</span>" : "no").Append("</td>");
            if (labels is not null)
            {
                html.Append("<td>").Append(labels[t] ? "anomalous" : "normal").Append("</td>");
            }

            html.Append("<td>").Append(E(Columns(t))).Append("</td></tr>");
        }

        html.Append("</table><p class=\"muted\">A share is of the model's error, not a diagnosis: a model that mixes columns can score a sound column badly because another one broke.</p>");

        // The columns drawn: those that made the top rows' scores, by their summed share; the first columns when nothing explains them.
        var shown = top.Select(Explain).Where(a => a is not null).SelectMany(a => a!.ChannelShares).GroupBy(s => s.Key)
            .OrderByDescending(g => g.Sum(s => s.Value)).Select(g => series.ChannelNames.ToList().IndexOf(g.Key)).Where(c => c >= 0).Take(4).ToArray();
        if (shown.Length == 0)
        {
            shown = [.. Enumerable.Range(0, Math.Min(4, series.ChannelNames.Count))];
        }

        var shaded = labels ?? new bool[series.Length];
        var figures = new FigureSet(directory);
        figures.Add("scores.png", $"Point scores over the series with the threshold; flagged rows marked{(labels is null ? "" : ", labelled segments shaded")}.",
            p => SeriesTimelinePlot.SaveScores(scores, threshold, shaded, $"{detector.Name} point scores ({scoring.Rule} threshold)", p, series.Timestamps));
        figures.Add("columns.png", $"The columns that made the highest scores (or the first columns){(labels is null ? "" : ", labelled segments shaded")}.",
            p => SeriesTimelinePlot.SaveValues(series.ChannelNames, series.Values, shown, shaded, "Columns", p, series.Timestamps));
        figures.Add("histogram.png", labels is null ? "Point scores, with the threshold." : "Point scores of normal and anomalous rows, each as a fraction of its class, with the threshold.",
            p => ScoreHistogramPlot.Save(values, labels, threshold, $"{detector.Name} point scores", p));
        if (labels is not null)
        {
            KeyValuePair<string, double[]>[] curve = [new(detector.Name, values)];
            figures.Add("pr.png", "Precision-recall curve of the point scores; the dotted line is what a random score gets.", p => RankingCurvePlot.SavePrecisionRecall(labels, curve, p));
            figures.Add("roc.png", "ROC curve of the point scores.", p => RankingCurvePlot.SaveRoc(labels, curve, p));
            figures.Add("confusion.png", "Decisions at the threshold, per row.", p => ConfusionMatrixPlot.Save(scoring.Evaluation!.Confusion, $"Score > {threshold:G4} ({scoring.Rule})", p));
        }

        if (detector.History.Count > 0)
        {
            figures.Add("loss.png", "Training and validation losses per epoch.", p => LossCurvePlot.Save(detector.History, p));
        }

        File.WriteAllText(Path.Combine(directory, "report.html"), Finish(html, figures));
    }

    /// <summary>Each labelled segment: found or not, its first flag and how many rows after its start, its peak and the columns there.</summary>
    private static void AppendLabelledEvents(StringBuilder html, Series series, (bool[] Labels, bool[] Flags, EventMetrics Counts) events, double[] values, Func<int, int, int> peakOf, Func<int, string> columns)
    {
        var (labels, flags, counted) = events;
        html.Append("<h2>Labelled events</h2><p>").Append(counted.Found).Append(" of ").Append(counted.Segments)
            .Append(" labelled segments hold a flag (event recall ").Append(F(counted.Recall)).Append("); ").Append(counted.FalseEvents)
            .Append(" runs of flags touch no labelled segment (false events; event precision ").Append(F(counted.Precision)).Append(").</p>")
            .Append("<table><tr><th>segment</th><th>rows</th><th>found</th><th>first flag (rows after its start)</th><th>peak score</th><th>columns at the peak</th></tr>");
        foreach (var (first, last) in PointEvaluation.Segments(labels))
        {
            var flagged = Enumerable.Range(first, last - first + 1).Where(t => flags[t]).Select(t => (int?)t).FirstOrDefault();
            var peak = peakOf(first, last);
            html.Append("<tr><td>").Append(E(series.Timestamps[first])).Append(" to ").Append(E(series.Timestamps[last])).Append("</td><td>").Append(last - first + 1)
                .Append("</td><td>").Append(flagged is null ? "no" : "<span class=\"flag\">yes</span>").Append("</td><td>")
                .Append(flagged is { } at ? $"{E(series.Timestamps[at])} ({at - first})" : "-").Append("</td><td>").Append(G(values[peak]))
                .Append("</td><td>").Append(E(columns(peak))).Append("</td></tr>");
        }

        html.Append("</table>");
    }

    /// <summary>A score to four significant digits: a model's scores may be tiny or large.</summary>
    private static string G(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
