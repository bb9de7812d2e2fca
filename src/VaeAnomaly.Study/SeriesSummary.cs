using VaeAnomaly.Evaluation;

namespace VaeAnomaly.Study;

/// <summary>One model over every pair of a <see cref="SeriesBenchmark"/> run: means over files, event metrics over all segments' files.</summary>
/// <param name="Files">Pairs run.</param>
/// <param name="MeanAucPr">Mean point AUC-PR.</param>
/// <param name="MeanAucRoc">Mean point AUC-ROC.</param>
/// <param name="MeanF1AtThreshold">Mean F1 at the label-free threshold.</param>
/// <param name="MeanBestF1">Mean best F1 (labelled oracle).</param>
/// <param name="MeanPaF1">Mean point-adjusted F1 (labelled inflated).</param>
/// <param name="EventRecall">Mean event recall.</param>
/// <param name="EventPrecision">Mean event precision.</param>
/// <param name="MeanFlaggedNormal">Mean share of normal test rows flagged.</param>
/// <param name="TrainSeconds">Total training time.</param>
/// <param name="Rules">Per label-free rule, mean F1 and mean share of normal rows flagged over the files where it could be fitted, and how many those were.</param>
public sealed record SeriesSummary(
    int Files, double MeanAucPr, double MeanAucRoc, double MeanF1AtThreshold, double MeanBestF1, double MeanPaF1, double EventRecall, double EventPrecision,
    double MeanFlaggedNormal, double TrainSeconds, IReadOnlyDictionary<string, RuleSummary> Rules)
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
                summary[model] = new SeriesSummary(
                    mine.Length, mine.Average(x => x.AucPr), mine.Average(x => x.AucRoc), mine.Average(x => x.F1AtThreshold), mine.Average(x => x.BestF1),
                    mine.Average(x => x.PointAdjustedF1), mine.Average(x => x.EventRecall), mine.Average(x => x.EventPrecision), mine.Average(x => x.FlaggedNormal),
                    mine.Sum(x => x.TrainSeconds),
                    mine.SelectMany(x => x.Rules).GroupBy(kv => kv.Key).ToDictionary(
                        g => g.Key, g => new RuleSummary(g.Count(), g.Average(kv => kv.Value.F1), g.Average(kv => kv.Value.FlaggedNormal),
                            g.All(kv => kv.Value.BestF1 is not null) ? g.Average(kv => kv.Value.BestF1!.Value) : null)));
            }
        }

        return summary;
    }

    /// <summary>
    /// What a random score gets on the same test files, each figure the mean over files as the models' are: AUC-PR the
    /// anomalous share, AUC-ROC 0.5, best F1 that of flagging every row (<see cref="RandomBaseline"/>). The row every model
    /// is to be read against.
    /// </summary>
    /// <param name="labels">Each test file's labels.</param>
    public static RandomBaseline RandomOf(IReadOnlyList<IReadOnlyList<bool>> labels)
    {
        var each = labels.Select(RandomBaseline.For).ToArray();
        return new RandomBaseline(each.Average(b => b.AucPr), each.Average(b => b.AucRoc), each.Average(b => b.RecallAt95Precision), each.Average(b => b.PrecisionAtK), each.Average(b => b.BestF1));
    }
}
