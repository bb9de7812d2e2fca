using System.Globalization;
using System.Net;
using System.Text;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Evaluation;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Reporting;

/// <summary>
/// Metrics, figures and a self-contained <c>report.html</c> for a detector's scores on one set:
/// what was flagged, how well the scores rank anomalies, and why sequences scored high.
/// </summary>
public static partial class EvaluationReport
{
    /// <summary>Metrics of every score kind, with the outcome of each kind's threshold under <paramref name="rule"/>.</summary>
    /// <param name="detector">A fitted or loaded detector that gives every score kind (<see cref="IScoresKinds"/>); its reconstructions are drawn when it has them.</param>
    /// <param name="data">A labelled set.</param>
    /// <param name="scores">Its scores.</param>
    /// <param name="rule">Threshold rule name.</param>
    public static IReadOnlyList<ScoreEvaluation> Evaluate(IFittedDetector detector, SequenceSet data, DetectorScores scores, string rule)
    {
        var labels = Labels(data) ?? throw new ArgumentException("Evaluation needs labels.", nameof(data));
        var types = data.Labels!.Select(l => l.AnomalyType).ToArray();
        return ScoreKinds.All.Select(kind =>
        {
            var values = Values(scores, kind);
            // A threshold the user gave is for the score flagged, not for every kind beside it.
            var threshold = rule == Thresholds.ThresholdRules.Fixed && kind.Name() != detector.Thresholds.Primary ? double.NaN : detector.Thresholds.ValueOrNaN(kind.Name(), rule);
            var outcome = double.IsNaN(threshold) ? null : new ThresholdOutcome(rule, threshold, ConfusionCounts.At(labels, values, threshold));
            return new ScoreEvaluation(kind.Name(), ScoreMetrics.Compute(labels, values, types), outcome);
        }).ToArray();
    }

    /// <summary>Writes <c>metrics.json</c> (labelled data only), the PNG figures and <c>report.html</c> into <paramref name="directory"/>.</summary>
    /// <param name="detector">A fitted or loaded detector that gives every score kind (<see cref="IScoresKinds"/>); its reconstructions are drawn when it has them.</param>
    /// <param name="data">The scored set; labels are optional.</param>
    /// <param name="scores">Its scores.</param>
    /// <param name="rule">Threshold rule name.</param>
    /// <param name="directory">An existing folder (a staging folder).</param>
    /// <param name="title">Report title.</param>
    /// <returns>The metrics of every score kind, or null when the data are unlabelled.</returns>
    public static IReadOnlyList<ScoreEvaluation>? Write(IFittedDetector detector, SequenceSet data, DetectorScores scores, string rule, string directory, string title)
    {
        var labels = Labels(data);
        var evaluations = labels is null ? null : Evaluate(detector, data, scores, rule);
        var separation = labels is not null && labels.Any(l => l) && labels.Any(l => !l)
            ? LatentSeparation.Compute(scores.Parts.LatentMeans, labels, scores.Parts.Mahalanobis)
            : null;
        if (evaluations is not null)
        {
            var latent = new System.Text.Json.Nodes.JsonObject
            {
                ["validation"] = System.Text.Json.JsonSerializer.SerializeToNode((detector as IScoresKinds)?.ValidationLatentUsage),
                ["separation"] = System.Text.Json.JsonSerializer.SerializeToNode(separation),
            };
            MetricsJson.Write(evaluations, RandomBaseline.For(labels!), Path.Combine(directory, "metrics.json"), latent);
        }

        var combined = Values(scores, ScoreKind.Combined);
        var threshold = detector.Thresholds.ValueOrNaN(ScoreKind.Combined.Name(), rule);
        var figures = new FigureSet(directory);

        if (detector.History.Count > 0)
        {
            figures.Add("loss.png", "Training and validation losses per epoch (per input: a sequence, or a window for windowed models).", p => LossCurvePlot.Save(detector.History, p));
        }

        figures.Add("histogram.png", "Combined score of normal and anomalous sequences, each as a fraction of its class, with the threshold.",
            p => ScoreHistogramPlot.Save(combined, labels, threshold, $"Combined score ({rule} threshold)", p));
        if (labels is not null && labels.Any(l => l) && labels.Any(l => !l))
        {
            var all = ScoreKinds.All.Select(k => new KeyValuePair<string, double[]>(k.Name(), Values(scores, k))).ToArray();
            figures.Add("pr.png", "Precision-recall curves; the dotted line is what a random score gets.", p => RankingCurvePlot.SavePrecisionRecall(labels, all, p));
            figures.Add("roc.png", "ROC curves.", p => RankingCurvePlot.SaveRoc(labels, all, p));
            if (!double.IsNaN(threshold))
            {
                figures.Add("confusion.png", "Decisions of the combined score at the threshold.",
                    p => ConfusionMatrixPlot.Save(ConfusionCounts.At(labels, combined, threshold), $"Combined score > {threshold:G4} ({rule})", p));
            }
        }

        var examples = Examples(data, combined, labels);
        var reconstructions = detector is IReconstructs reconstructs ? reconstructs.Reconstruct(data.Subset([.. examples.Select(e => e.Index)])) : null;
        for (var k = 0; reconstructions is not null && k < examples.Count; k++)
        {
            var (index, why) = examples[k];
            var attribution = Attribution.Of(data.ChannelNames, scores.Parts, index);
            var order = attribution.ChannelShares.Select(kv => data.ChannelNames.ToList().IndexOf(kv.Key)).ToArray();
            var label = data.Labels is null ? "" : $", truly {data.Labels[index].AnomalyType}";
            figures.Add($"sequence-{k + 1}.png",
                $"{why}: sequence '{data.Sequences[index].Id}'{label}, combined score {combined[index]:G4}. The four channels with the largest share of its error; shaded: its highest-error span.",
                p => ReconstructionPlot.Save(data.ChannelNames, data.Sequences[index].Values, reconstructions[k], (attribution.SpanStart, attribution.SpanEnd),
                    $"'{data.Sequences[index].Id}'{label}: score {combined[index]:G4}{(combined[index] > threshold ? " (flagged)" : "")}", p, order: order));
        }

        var types = data.Labels?.Select(l => l.AnomalyType).ToArray();
        figures.Add("latent.png", "Posterior means of every sequence projected to two dimensions (PCA), coloured by label.",
            p => LatentPlot.Save(scores.Parts.LatentMeans, types, p));

        File.WriteAllText(Path.Combine(directory, "report.html"), Html(detector, data, scores, evaluations, labels, rule, threshold, title, figures, separation));
        return evaluations;
    }

    /// <summary>
    /// Writes <c>metrics.json</c>, the PNG figures and <c>report.html</c> for a baseline (one score, which
    /// <see cref="DetectorEntry.ScoreWords"/> names) on labelled sequences or records: how well the score ranks
    /// anomalies, the decisions at the bundle's threshold, the most anomalous inputs, the training curves.
    /// </summary>
    /// <param name="detector">A fitted or loaded baseline.</param>
    /// <param name="data">A labelled set (records are one-step sequences named by their line).</param>
    /// <param name="scores">One score per sequence of <paramref name="data"/>.</param>
    /// <param name="directory">An existing folder (a staging folder).</param>
    /// <param name="title">Report title.</param>
    /// <param name="unit">What a sequence is, in the plural: <c>sequences</c> or <c>records</c>.</param>
    /// <returns>The score's metrics.</returns>
    public static ScoreEvaluation WriteBaseline(IFittedDetector detector, SequenceSet data, IReadOnlyList<float> scores, string directory, string title, string unit = "sequences")
    {
        var labels = Labels(data) ?? throw new ArgumentException("Evaluation needs labels.", nameof(data));
        if (scores.Count != data.Count)
        {
            throw new ArgumentException($"Expected one score per sequence ({data.Count}), got {scores.Count}.", nameof(scores));
        }

        var values = scores.Select(v => (double)v).ToArray();
        var threshold = detector.Thresholds.ValueOrNaN();
        var rule = detector.Thresholds.Rule;
        var outcome = double.IsNaN(threshold) ? null : new ThresholdOutcome(rule, threshold, ConfusionCounts.At(labels, values, threshold));
        var name = ScoreKind.Reconstruction.Name(); // metrics.json's key for a baseline's one score, whatever it measures
        var words = DetectorRegistry.All.FirstOrDefault(e => e.Name == detector.Name)?.ScoreWords ?? "score"; // a detector made outside the registry says only "score"
        var evaluation = new ScoreEvaluation(name, ScoreMetrics.Compute(labels, values, [.. data.Labels!.Select(l => l.AnomalyType)]), outcome);
        MetricsJson.Write([evaluation], RandomBaseline.For(labels), Path.Combine(directory, "metrics.json"));

        var figures = new FigureSet(directory);

        if (detector.History.Count > 0)
        {
            figures.Add("loss.png", "Training and validation losses per epoch.", p => LossCurvePlot.Save(detector.History, p));
        }

        figures.Add("histogram.png", $"The score ({words}) of normal and anomalous {unit}, each as a fraction of its class, with the threshold.",
            p => ScoreHistogramPlot.Save(values, labels, threshold, $"{detector.Name} {words} ({rule} threshold)", p));
        if (labels.Any(l => l) && labels.Any(l => !l))
        {
            KeyValuePair<string, double[]>[] curve = [new(detector.Name, values)];
            figures.Add("pr.png", "Precision-recall curve; the dotted line is what a random score gets.", p => RankingCurvePlot.SavePrecisionRecall(labels, curve, p));
            figures.Add("roc.png", "ROC curve.", p => RankingCurvePlot.SaveRoc(labels, curve, p));
            if (outcome is not null)
            {
                figures.Add("confusion.png", "Decisions at the threshold.", p => ConfusionMatrixPlot.Save(outcome.Counts, $"Score > {threshold:G4} ({rule})", p));
            }
        }

        var html = Begin(title);
        html.Append("<p>").Append(data.Count).Append(' ').Append(E(unit)).Append(", ").Append(data.Channels).Append(unit == "records" ? " encoded features" : " channels")
            .Append(". Model: <b>").Append(E(detector.Name)).Append("</b>; its score is the ").Append(E(words)).Append(". Threshold: ").Append(ThresholdWords(rule, F(threshold), FittedOn(detector)))
            .Append(". <b>").Append(values.Count(v => v > threshold))
            .Append("</b> ").Append(E(unit)).Append(" flagged.</p>");
        AppendRanking(html, [evaluation], labels);
        var top = Enumerable.Range(0, data.Count).OrderByDescending(i => values[i]).Take(10).ToArray();
        var why = (detector as IExplainsInputs)?.Explain(new SequenceSet(data.ChannelNames, [.. top.Select(i => data.Sequences[i])]));
        html.Append("<h2>Most anomalous ").Append(E(unit)).Append("</h2><table><tr><th>").Append(unit == "records" ? "line" : "sequence")
            .Append("</th><th>score</th><th>flagged</th><th>truth</th>").Append(why is null ? "" : "<th>strongest columns (share of the score)</th>").Append("</tr>");
        foreach (var (i, k) in top.Select((i, k) => (i, k)))
        {
            html.Append("<tr><td>").Append(E(data.Sequences[i].Id)).Append("</td><td>").Append(F(values[i])).Append("</td><td>")
                .Append(values[i] > threshold ? "<span class=\"flag\">yes</span>" : "no").Append("</td><td>").Append(E(data.Labels![i].AnomalyType))
                .Append(why is null ? "" : $"</td><td>{E(why[k].Strongest())}").Append("</td></tr>");
        }

        html.Append("</table>");
        File.WriteAllText(Path.Combine(directory, "report.html"), Finish(html, figures));
        return evaluation;
    }

    private static bool[]? Labels(SequenceSet data) => data.Labels?.Select(l => l.IsAnomaly).ToArray();

    private static double[] Values(DetectorScores scores, ScoreKind kind) =>
        (kind == ScoreKind.Combined ? scores.Combined : scores.Parts.Of(kind)).Select(v => (double)v).ToArray();

    /// <summary>The three highest-scoring sequences and the median-scoring one, for pictures.</summary>
    private static IReadOnlyList<(int Index, string Why)> Examples(SequenceSet data, double[] combined, bool[]? labels)
    {
        var ranked = Enumerable.Range(0, data.Count).OrderByDescending(i => combined[i]).ToArray();
        var examples = ranked.Take(3).Select((i, k) => (i, $"Rank {k + 1} by score")).ToList();
        var normals = ranked.Where(i => labels is null || !labels[i]).ToArray();
        if (normals.Length > 0)
        {
            examples.Add((normals[normals.Length / 2], "A typical normal sequence (median score)"));
        }

        return examples;
    }

    private static string Html(IFittedDetector detector, SequenceSet data, DetectorScores scores, IReadOnlyList<ScoreEvaluation>? evaluations,
        bool[]? labels, string rule, double threshold, string title, FigureSet figures, LatentSeparation? separation)
    {
        var combined = scores.Combined;
        var html = Begin(title);
        var flagged = combined.Count(s => s > threshold);
        html.Append("<p>").Append(data.Count).Append(" sequences, ").Append(data.Channels).Append(" channels (")
            .Append(E(string.Join(", ", data.ChannelNames))).Append("). Model: GRU-VAE trained on ")
            .Append(detector.TrainingData.TrainSequences).Append(" sequences. Threshold on the combined score: ").Append(ThresholdWords(rule, F(threshold), FittedOn(detector)))
            .Append(". <b>").Append(flagged).Append("</b> sequences flagged.</p>");

        if (evaluations is not null)
        {
            AppendRanking(html, evaluations, labels!);
        }

        html.Append("<h2>Most anomalous sequences</h2><table><tr><th>sequence</th><th>combined</th><th>reconstruction</th><th>kl</th><th>flagged</th>")
            .Append(labels is null ? "" : "<th>truth</th>").Append("<th>strongest channels (share of error)</th><th>highest-error span</th></tr>");
        foreach (var i in Enumerable.Range(0, data.Count).OrderByDescending(i => combined[i]).Take(10))
        {
            var a = Attribution.Of(data.ChannelNames, scores.Parts, i);
            html.Append("<tr><td>").Append(E(data.Sequences[i].Id)).Append("</td><td>").Append(F(combined[i])).Append("</td><td>").Append(F(scores.Parts.Reconstruction[i]))
                .Append("</td><td>").Append(F(scores.Parts.Kl[i])).Append("</td><td>").Append(combined[i] > threshold ? "<span class=\"flag\">yes</span>" : "no").Append("</td>");
            if (data.Labels is not null)
            {
                html.Append("<td>").Append(E(data.Labels[i].AnomalyType)).Append("</td>");
            }

            html.Append("<td>").Append(E(a.Strongest())).Append("</td><td>")
                .Append(a.SpanStart).Append('-').Append(a.SpanEnd - 1).Append("</td></tr>");
        }

        html.Append("</table>");
        if ((detector as IScoresKinds)?.ValidationLatentUsage is { } usage)
        {
            html.Append("<h2>Latent space</h2><p>Active units (posterior mean varies across validation inputs, variance &gt; 0.01): <b>").Append(usage.ActiveUnits)
                .Append("</b> of ").Append(usage.KlPerDimension.Length).Append(". KL per dimension on validation data (nats): ")
                .Append(E(string.Join(", ", usage.KlPerDimension.Select(k => k.ToString("F2", CultureInfo.InvariantCulture))))).Append(".");
            if (separation is not null)
            {
                html.Append(" Normal vs anomalous posterior means: silhouette ").Append(F(separation.Silhouette))
                    .Append(", Mahalanobis separation (mean distance of anomalies over normals) ").Append(F(separation.MahalanobisSeparation)).Append('.');
            }

            html.Append("</p>");
        }

        return Finish(html, figures);
    }

    /// <summary>The start of a report page: styles and the title.</summary>
    private static StringBuilder Begin(string title)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title><style>")
            .Append("body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}")
            .Append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}")
            .Append("th:first-child,td:first-child{text-align:left}.muted{color:#888}figure{margin:1.5em 0}img{max-width:100%}")
            .Append(".flag{color:#b00;font-weight:bold}</style></head><body>");
        html.Append("<h1>").Append(E(title)).Append("</h1>");
        return html;
    }

    /// <summary>How well each score ranks anomalies, next to what a random score gets, and AUC-PR by anomaly type.</summary>
    private static void AppendRanking(StringBuilder html, IReadOnlyList<ScoreEvaluation> evaluations, bool[] labels)
    {
        var baseline = RandomBaseline.For(labels);
        html.Append("<h2>How well the scores rank anomalies</h2><table><tr><th>score</th><th>AUC-PR</th><th>AUC-ROC</th><th>recall@95%P</th><th>precision@k</th><th>best F1</th><th>precision at threshold</th><th>recall at threshold</th><th>F1 at threshold</th></tr>");
        foreach (var e in evaluations)
        {
            var m = e.Metrics;
            html.Append("<tr><td>").Append(E(e.Name)).Append("</td><td>").Append(F(m.AucPr)).Append("</td><td>").Append(F(m.AucRoc))
                .Append("</td><td>").Append(F(m.RecallAt95Precision)).Append("</td><td>").Append(F(m.PrecisionAtK)).Append("</td><td>").Append(F(m.BestF1))
                .Append("</td><td>").Append(F(e.Threshold?.Counts.Precision ?? double.NaN)).Append("</td><td>").Append(F(e.Threshold?.Counts.Recall ?? double.NaN))
                .Append("</td><td>").Append(F(e.Threshold?.Counts.F1 ?? double.NaN)).Append("</td></tr>");
        }

        html.Append("<tr class=\"muted\"><td>random score</td><td>").Append(F(baseline.AucPr)).Append("</td><td>").Append(F(baseline.AucRoc))
            .Append("</td><td>").Append(F(baseline.RecallAt95Precision)).Append("</td><td>").Append(F(baseline.PrecisionAtK)).Append("</td><td>").Append(F(baseline.BestF1))
            .Append("</td><td></td><td></td><td></td></tr></table>");
        html.Append("<p class=\"muted\">A random score gets an AUC-PR equal to the anomaly ratio (").Append(F(baseline.AucPr)).Append("); compare with that row, not with 0.</p>");
        var types = evaluations[0].Metrics.ByType.Keys.ToArray();
        if (types.Length > 0)
        {
            html.Append("<h3>AUC-PR by anomaly type</h3><table><tr><th>score</th>");
            foreach (var t in types)
            {
                html.Append("<th>").Append(E(t)).Append(" (").Append(evaluations[0].Metrics.ByType[t].Count).Append(")</th>");
            }

            html.Append("</tr>");
            foreach (var e in evaluations)
            {
                html.Append("<tr><td>").Append(E(e.Name)).Append("</td>");
                foreach (var t in types)
                {
                    html.Append("<td>").Append(F(e.Metrics.ByType[t].AucPr)).Append("</td>");
                }

                html.Append("</tr>");
            }

            html.Append("</table>");
        }
    }

    /// <summary>The figures, embedded, and the end of the page.</summary>
    private static string Finish(StringBuilder html, FigureSet figures)
    {
        html.Append("<h2>Figures</h2>");
        foreach (var (file, caption) in figures.Drawn)
        {
            var bytes = File.ReadAllBytes(Path.Combine(figures.Directory, file));
            html.Append("<figure><img alt=\"").Append(E(caption)).Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(bytes))
                .Append("\"><figcaption>").Append(E(caption)).Append("</figcaption></figure>");
        }

        html.Append("<p class=\"muted\">Written by VaeAnomaly. Images are embedded; this file needs no server.</p></body></html>");
        return html.ToString();
    }

    /// <summary>The PNG figures drawn into a report's folder, in order, with their captions.</summary>
    /// <param name="directory">The report's folder.</param>
    private sealed class FigureSet(string directory)
    {
        private readonly List<(string File, string Caption)> drawn = [];

        public string Directory => directory;

        public IReadOnlyList<(string File, string Caption)> Drawn => drawn;

        /// <summary>Draws one figure into the folder and keeps its caption.</summary>
        public void Add(string file, string caption, Action<string> draw)
        {
            draw(Path.Combine(directory, file));
            drawn.Add((file, caption));
        }
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);

    /// <summary>The threshold in words: <c>quantile rule, fitted ...: 1.234</c>, or for the user's own value <c>2.5, given with --threshold (not fitted)</c>.</summary>
    /// <summary>What a detector's thresholds were fitted on: its validation part, or the data it was calibrated on.</summary>
    private static string FittedOn(Detectors.IFittedDetector detector) => detector.TrainingData.Calibration is { } calibration
        ? $"fitted on normal data only, of {calibration.Source} (vae-anomaly calibrate)"
        : "fitted on normal validation scores only";

    private static string ThresholdWords(string rule, string value, string fitted) => rule == Thresholds.ThresholdRules.Fixed
        ? $"<b>{E(value)}</b>, given with --threshold (not fitted)"
        : $"<b>{E(rule)}</b> rule, {E(fitted)}: {E(value)}";

    private static string F(double v) => double.IsNaN(v) ? "-" : v.ToString("F3", CultureInfo.InvariantCulture);
}
