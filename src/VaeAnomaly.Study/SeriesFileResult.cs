using VaeAnomaly.Evaluation;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Study;

/// <summary>One model on one pair.</summary>
/// <param name="File">The pair's name.</param>
/// <param name="Model">The model.</param>
/// <param name="Watched">The columns its scores measured (<c>all</c> when not chosen or not taken).</param>
/// <param name="AucPr">Point AUC-PR of the scores; null, as the other figures that need an anomaly, for a test file without one.</param>
/// <param name="AucRoc">Point AUC-ROC.</param>
/// <param name="F1AtThreshold">F1 at the bundle's label-free threshold.</param>
/// <param name="BestF1">Best F1 over every threshold (labelled oracle).</param>
/// <param name="PointAdjustedF1">F1 after point adjustment at the bundle's threshold (labelled inflated; never alone).</param>
/// <param name="EventRecall">Labelled segments with a flagged point.</param>
/// <param name="EventPrecision">Found segments over found segments plus runs of flags outside every segment.</param>
/// <param name="FlaggedNormal">Share of normal test rows flagged: how well the threshold transfers to later normal data.</param>
/// <param name="FalseEvents">Runs of flags outside every labelled segment: the false alarms a user would be sent.</param>
/// <param name="Threshold">The threshold used.</param>
/// <param name="TrainSeconds">Training time.</param>
/// <param name="Epochs">Epochs run (0 for a model fitted in one pass).</param>
/// <param name="Rules">Every label-free rule's threshold, F1 and share of normal rows flagged; a rule that could not be fitted is absent.</param>
public sealed record SeriesFileResult(
    string File, string Model, IReadOnlyList<string> Watched, double? AucPr, double? AucRoc, double? F1AtThreshold, double? BestF1, double? PointAdjustedF1,
    double? EventRecall, double? EventPrecision, double FlaggedNormal, int FalseEvents, double Threshold, double TrainSeconds, int Epochs,
    IReadOnlyDictionary<string, RuleOutcome> Rules)
{
    /// <summary>The window chosen for the model (<see cref="SeriesBenchmarkOptions.Window"/>); null for the model's own default, or a model without one.</summary>
    public int? Window { get; init; }

    /// <summary>The period, in rows, a model that compares each row with earlier periods (<c>seasonal</c>) used, given or found in the train file; null for other models.</summary>
    public int? Period { get; init; }

    /// <summary>How often the model was fitted again while the test file streamed (<see cref="SeriesBenchmarkOptions.Online"/>); null when it did not keep learning.</summary>
    public int? Refits { get; init; }

    /// <summary>The metrics of <paramref name="points"/> against <paramref name="labels"/>.</summary>
    internal static SeriesFileResult Measure(string file, string model, IReadOnlyList<string> watched, IReadOnlyList<bool> labels, SeriesPointScores points, double seconds, int epochs,
        IReadOnlyDictionary<string, RuleOutcome> rules)
    {
        var scores = points.Scores.Select(s => (double)s).ToArray();
        var flags = points.Flags();
        var events = EventMetrics.Of(labels, flags);
        var normal = labels.Count(l => !l);
        var anomalous = labels.Contains(true);
        double? IfAnomalous(Func<double> figure) => anomalous ? figure() : null;
        return new SeriesFileResult(
            file, model, watched,
            IfAnomalous(() => RankingMetrics.AveragePrecision(labels, scores)), IfAnomalous(() => RankingMetrics.RocAuc(labels, scores)),
            IfAnomalous(() => ConfusionCounts.Of(labels, flags).F1), IfAnomalous(() => RankingMetrics.BestF1(labels, scores).F1),
            IfAnomalous(() => ConfusionCounts.Of(labels, PointEvaluation.PointAdjust(labels, flags)).F1),
            IfAnomalous(() => events.Recall), IfAnomalous(() => events.Precision), normal == 0 ? 0 : (double)labels.Zip(flags).Count(p => !p.First && p.Second) / normal,
            events.FalseEvents, points.Threshold, seconds, epochs,
            rules);
    }
}
