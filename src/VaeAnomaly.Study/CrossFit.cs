using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Scoring;
using VaeAnomaly.Thresholds;

namespace VaeAnomaly.Study;

/// <summary>
/// Scores of the whole train file by cross-fitting: the file is cut into contiguous blocks in time order, and each block
/// is scored causally by a fresh model fitted on the other rows, so every score comes from a model that never saw its row.
/// Their 0.99 quantile is the <c>crossfit</c> rule's threshold (issue 18, item 4; docs/benchmark-log.md).
/// </summary>
public static class CrossFit
{
    /// <summary>
    /// The held-out point scores of every block, in block order (each block's first window-1 rows have none).
    /// </summary>
    /// <param name="train">The whole train file.</param>
    /// <param name="folds">Blocks, at least 2.</param>
    /// <param name="minimumRows">Shortest piece a model can use (its window); shorter pieces are left out of a fold's fit.</param>
    /// <param name="fit">Fits a fresh model on (fit, validation).</param>
    /// <exception cref="ArgumentException">A fold with nothing to fit or validate on, or a block shorter than a window.</exception>
    public static float[] HeldOutScores(Series train, int folds, int minimumRows, Func<SequenceSet, SequenceSet, IFittedDetector> fit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var scores = new List<float>();
        foreach (var (start, end) in Blocks(train.Length, folds))
        {
            var (fitPart, validation) = Split(train, [(0, start), (end, train.Length)], minimumRows);
            using var model = fit(fitPart, validation);
            var scorer = model as IScoresPoints ?? throw new ArgumentException($"{model.Name} does not score the points of a series.");
            var block = scorer.ScorePoints(train.Slice(start, end - start).AsSequenceSet($"block {start}-{end}"), new PointScoreRequest(PointScoreMode.Last));
            scores.AddRange(block.Scores.Skip(Math.Max(0, block.FirstScored)));
        }

        return [.. scores];
    }

    /// <summary>The <c>crossfit</c> threshold: the default rule's 0.99 quantile of <see cref="HeldOutScores"/>.</summary>
    public static double Threshold(IReadOnlyList<float> heldOut) => new QuantileThreshold().Fit(heldOut);

    /// <summary><paramref name="folds"/> contiguous blocks of <paramref name="rows"/> rows, as even as can be, as [start, end).</summary>
    public static IReadOnlyList<(int Start, int End)> Blocks(int rows, int folds) =>
        [.. Enumerable.Range(0, folds).Select(k => ((int)((long)rows * k / folds), (int)((long)rows * (k + 1) / folds)))];

    /// <summary>
    /// The rows of <paramref name="pieces"/> (each [start, end) of <paramref name="train"/>) split as the main model's are:
    /// the last 20% of them validate. Each part keeps the pieces apart, so no window crosses a gap; pieces shorter than
    /// <paramref name="minimumRows"/> are left out.
    /// </summary>
    internal static (SequenceSet Fit, SequenceSet Validation) Split(Series train, IReadOnlyList<(int Start, int End)> pieces, int minimumRows)
    {
        var kept = pieces.Where(p => p.End > p.Start).ToList();
        var validationRows = (int)Math.Round(kept.Sum(p => p.End - p.Start) * SeriesBenchmark.ValidationShare);
        var fit = new List<(int Start, int End)>();
        var validation = new List<(int Start, int End)>();
        for (var i = kept.Count - 1; i >= 0; i--)
        {
            var (start, end) = kept[i];
            var taken = Math.Min(validationRows, end - start);
            validationRows -= taken;
            if (taken > 0)
            {
                validation.Insert(0, (end - taken, end));
            }

            if (end - taken > start)
            {
                fit.Insert(0, (start, end - taken));
            }
        }

        return (Set(train, fit, minimumRows, "fit"), Set(train, validation, minimumRows, "validation"));
    }

    private static SequenceSet Set(Series train, List<(int Start, int End)> pieces, int minimumRows, string part)
    {
        var usable = pieces.Where(p => p.End - p.Start >= minimumRows).ToArray();
        return usable.Length > 0
            ? new SequenceSet(train.ChannelNames, [.. usable.Select(p => new Sequence($"{part} {p.Start}-{p.End}", train.Slice(p.Start, p.End - p.Start).Values))])
            : throw new ArgumentException($"The {part} part of a fold has no piece of at least {minimumRows} rows.");
    }
}
