using System.Globalization;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Evaluation;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Reporting;

public static partial class EvaluationReport
{
    /// <summary>Rows listed by score, and the columns drawn at most.</summary>
    private const int TopRows = 10;

    /// <summary>
    /// Writes the figures and <c>report.html</c> of a labelled series into <paramref name="directory"/>: how well the point
    /// scores rank the labelled rows (beside a random score), each labelled event (found or not, how soon, its peak and the
    /// columns that made it), the false events, the highest-scoring rows with their columns, and the scores and columns over time.
    /// </summary>
    /// <param name="detector">The bundle's model.</param>
    /// <param name="series">The series, with its labels.</param>
    /// <param name="scoring">Its scores, threshold and metrics.</param>
    /// <param name="directory">An existing folder (a staging folder).</param>
    /// <param name="title">Report title.</param>
    public static void WriteSeries(IFittedDetector detector, Series series, SeriesScoring scoring, string directory, string title)
    {
        var labels = series.Labels?.ToArray() ?? throw new ArgumentException("A series report needs labels.", nameof(series));
        var scores = scoring.Scores;
        var values = scores.Select(s => (double)s).ToArray();
        var threshold = scoring.Threshold;
        var flags = values.Select(v => v > threshold).ToArray();
        var evaluation = new ScoreEvaluation("point score", ScoreMetrics.Compute(labels, values), new ThresholdOutcome(scoring.Rule, threshold, scoring.Evaluation.Confusion));
        var explained = new Dictionary<int, Attribution?>();
        Attribution? Explain(int t) => explained.TryGetValue(t, out var a) ? a : explained[t] = scoring.Explain?.Invoke(t);
        static string Columns(Attribution? a) => a is null ? "-" : string.Join(", ", a.ChannelShares.Where(s => s.Value >= 0.005).Take(3).Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key} {s.Value:P0}")));

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

        var segments = PointEvaluation.Segments(labels);
        var events = EventMetrics.Of(labels, flags);

        var html = Begin(title);
        html.Append("<p>").Append(series.Length).Append(" rows, ").Append(series.ChannelNames.Count).Append(" columns; <b>").Append(scoring.Evaluation.Anomalous)
            .Append("</b> labelled anomalous in ").Append(segments.Count).Append(segments.Count == 1 ? " segment" : " segments").Append(". Model: <b>").Append(E(detector.Name)).Append("</b>, ")
            .Append(E(scoring.Scoring)).Append(" point scores. Threshold: <b>").Append(E(scoring.Rule)).Append("</b> rule, fitted without labels: ")
            .Append(threshold.ToString("G4", CultureInfo.InvariantCulture)).Append(". <b>").Append(flags.Count(f => f)).Append("</b> rows flagged.</p>");
        AppendRanking(html, [evaluation], labels);

        html.Append("<h2>Labelled events</h2><p>").Append(events.Found).Append(" of ").Append(events.Segments)
            .Append(" labelled segments hold a flag (event recall ").Append(F(events.Recall)).Append("); ").Append(events.FalseEvents)
            .Append(" runs of flags touch no labelled segment (false events; event precision ").Append(F(events.Precision)).Append(").</p>")
            .Append("<table><tr><th>segment</th><th>rows</th><th>found</th><th>first flag (rows after its start)</th><th>peak score</th><th>columns at the peak</th></tr>");
        foreach (var (first, last) in segments)
        {
            var flagged = Enumerable.Range(first, last - first + 1).Where(t => flags[t]).Select(t => (int?)t).FirstOrDefault();
            var peak = Enumerable.Range(first, last - first + 1).MaxBy(t => values[t]);
            html.Append("<tr><td>").Append(E(series.Timestamps[first])).Append(" to ").Append(E(series.Timestamps[last])).Append("</td><td>").Append(last - first + 1)
                .Append("</td><td>").Append(flagged is null ? "no" : "<span class=\"flag\">yes</span>").Append("</td><td>")
                .Append(flagged is { } at ? $"{E(series.Timestamps[at])} ({at - first})" : "-").Append("</td><td>").Append(G(values[peak]))
                .Append("</td><td>").Append(E(Columns(Explain(peak)))).Append("</td></tr>");
        }

        html.Append("</table>");
        html.Append("<h2>Highest-scoring rows</h2><p>Each at least ").Append(apart).Append(apart == 1 ? " row" : " rows (the rows one score reads)").Append(" from a higher one listed.</p><table><tr><th>time</th><th>score</th><th>flagged</th><th>truth</th><th>strongest columns (share of the score)</th></tr>");
        foreach (var t in top)
        {
            html.Append("<tr><td>").Append(E(series.Timestamps[t])).Append("</td><td>").Append(G(values[t])).Append("</td><td>")
                .Append(flags[t] ? "<span class=\"flag\">yes</span>" : "no").Append("</td><td>").Append(labels[t] ? "anomalous" : "normal")
                .Append("</td><td>").Append(E(Columns(Explain(t)))).Append("</td></tr>");
        }

        html.Append("</table><p class=\"muted\">A share is of the model's error, not a diagnosis: a model that mixes columns can score a sound column badly because another one broke.</p>");

        // The columns drawn: those that made the top rows' scores, by their summed share; the first columns when nothing explains them.
        var shown = top.Select(Explain).Where(a => a is not null).SelectMany(a => a!.ChannelShares).GroupBy(s => s.Key)
            .OrderByDescending(g => g.Sum(s => s.Value)).Select(g => series.ChannelNames.ToList().IndexOf(g.Key)).Where(c => c >= 0).Take(4).ToArray();
        if (shown.Length == 0)
        {
            shown = [.. Enumerable.Range(0, Math.Min(4, series.ChannelNames.Count))];
        }

        var figures = new FigureSet(directory);
        figures.Add("scores.png", "Point scores over the series with the threshold; flagged rows marked, labelled segments shaded.",
            p => SeriesTimelinePlot.SaveScores(scores, threshold, labels, $"{detector.Name} point scores ({scoring.Rule} threshold)", p));
        figures.Add("columns.png", "The columns that made the highest scores (or the first columns), labelled segments shaded.",
            p => SeriesTimelinePlot.SaveValues(series.ChannelNames, series.Values, shown, labels, "Columns", p));
        figures.Add("histogram.png", "Point scores of normal and anomalous rows, each as a fraction of its class, with the threshold.",
            p => ScoreHistogramPlot.Save(values, labels, threshold, $"{detector.Name} point scores", p));
        KeyValuePair<string, double[]>[] curve = [new(detector.Name, values)];
        figures.Add("pr.png", "Precision-recall curve of the point scores; the dotted line is what a random score gets.", p => RankingCurvePlot.SavePrecisionRecall(labels, curve, p));
        figures.Add("roc.png", "ROC curve of the point scores.", p => RankingCurvePlot.SaveRoc(labels, curve, p));
        figures.Add("confusion.png", "Decisions at the threshold, per row.", p => ConfusionMatrixPlot.Save(scoring.Evaluation.Confusion, $"Score > {threshold:G4} ({scoring.Rule})", p));
        if (detector.History.Count > 0)
        {
            figures.Add("loss.png", "Training and validation losses per epoch.", p => LossCurvePlot.Save(detector.History, p));
        }

        File.WriteAllText(Path.Combine(directory, "report.html"), Finish(html, figures));
    }

    /// <summary>A score to four significant digits: a model's scores may be tiny or large.</summary>
    private static string G(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
