using VaeAnomaly.Evaluation;

namespace VaeAnomaly.Study;

/// <summary>
/// One model over every pair of a <see cref="SeriesBenchmark"/> run: the figures that need an anomaly are means over the
/// test files with one (null when none has), the false-alarm figures are over every file.
/// </summary>
/// <param name="Files">Pairs run.</param>
/// <param name="FilesWithAnomalies">Of those, the pairs whose test file labels an anomaly: the files of the means up to <paramref name="EventPrecision"/>.</param>
/// <param name="MeanAucPr">Mean point AUC-PR.</param>
/// <param name="MeanAucRoc">Mean point AUC-ROC.</param>
/// <param name="MeanF1AtThreshold">Mean F1 at the label-free threshold.</param>
/// <param name="MeanBestF1">Mean best F1 (labelled oracle).</param>
/// <param name="MeanPaF1">Mean point-adjusted F1 (labelled inflated).</param>
/// <param name="EventRecall">Mean event recall.</param>
/// <param name="EventPrecision">Mean event precision.</param>
/// <param name="MeanFlaggedNormal">Mean share of normal test rows flagged, over every file.</param>
/// <param name="FalseEvents">Runs of flags outside every labelled segment, summed over every file.</param>
/// <param name="TrainSeconds">Total training time.</param>
/// <param name="Rules">Per label-free rule, mean F1 and mean share of normal rows flagged over the files where it could be fitted, and how many those were.</param>
public sealed record SeriesSummary(
    int Files, int FilesWithAnomalies, double? MeanAucPr, double? MeanAucRoc, double? MeanF1AtThreshold, double? MeanBestF1, double? MeanPaF1, double? EventRecall,
    double? EventPrecision, double MeanFlaggedNormal, int FalseEvents, double TrainSeconds, IReadOnlyDictionary<string, RuleSummary> Rules)
{
    /// <summary>The summary of each model in <paramref name="models"/>, in that order.</summary>
    /// <param name="models">Model names as run.</param>
    /// <param name="results">Every file's result.</param>
    public static IReadOnlyDictionary<string, SeriesSummary> Of(IReadOnlyList<string> models, IReadOnlyList<SeriesFileResult> results)
    {
        var summary = new Dictionary<string, SeriesSummary>(StringComparer.Ordinal);
        foreach (var model in models)
        {
            var mine = results.Where(x => x.Model == model).ToArray();
            if (mine.Length > 0)
            {
                // Average of double? skips the nulls (the files without anomalies) and is null when every value is.
                summary[model] = new SeriesSummary(
                    mine.Length, mine.Count(x => x.AucPr is not null), mine.Average(x => x.AucPr), mine.Average(x => x.AucRoc), mine.Average(x => x.F1AtThreshold),
                    mine.Average(x => x.BestF1), mine.Average(x => x.PointAdjustedF1), mine.Average(x => x.EventRecall), mine.Average(x => x.EventPrecision),
                    mine.Average(x => x.FlaggedNormal), mine.Sum(x => x.FalseEvents), mine.Sum(x => x.TrainSeconds),
                    mine.SelectMany(x => x.Rules).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => Summarise([.. g.Select(kv => kv.Value)])));
            }
        }

        return summary;
    }

    /// <summary>
    /// The pairs every model in <paramref name="models"/> has a result for, in run order: where a model refused some pairs
    /// (a file too short for its window, a series without a period), the files over which the models' means compare.
    /// </summary>
    /// <param name="models">Model names as run.</param>
    /// <param name="results">Every file's result.</param>
    public static IReadOnlyList<string> CommonFiles(IReadOnlyList<string> models, IReadOnlyList<SeriesFileResult> results) =>
        [.. results.Select(x => x.File).Distinct(StringComparer.Ordinal).Where(file => models.All(m => results.Any(x => x.File == file && x.Model == m)))];

    /// <summary>One rule over the files where it had a threshold; its F1 figures over those of them with anomalies.</summary>
    private static RuleSummary Summarise(IReadOnlyList<RuleOutcome> outcomes)
    {
        var scored = outcomes.Where(o => o.F1 is not null).ToArray();
        return new RuleSummary(outcomes.Count, scored.Average(o => o.F1), outcomes.Average(o => o.FlaggedNormal),
            scored.Length > 0 && scored.All(o => o.BestF1 is not null) ? scored.Average(o => o.BestF1) : null,
            scored.Length > 0 && scored.All(o => o.AucPr is not null) ? scored.Average(o => o.AucPr) : null);
    }

    /// <summary>
    /// What a random score gets on the same test files, each figure the mean over the files with anomalies as the models'
    /// are: AUC-PR the anomalous share, AUC-ROC 0.5, best F1 that of flagging every row (<see cref="RandomBaseline"/>). The
    /// row every model is to be read against; null when no file has an anomaly.
    /// </summary>
    /// <param name="labels">Each test file's labels.</param>
    public static RandomBaseline? RandomOf(IReadOnlyList<IReadOnlyList<bool>> labels)
    {
        var each = labels.Where(l => l.Contains(true)).Select(RandomBaseline.For).ToArray();
        if (each.Length == 0)
        {
            return null;
        }

        return new RandomBaseline(each.Average(b => b.AucPr), each.Average(b => b.AucRoc), each.Average(b => b.RecallAt95Precision), each.Average(b => b.PrecisionAtK), each.Average(b => b.BestF1));
    }
}
