using VaeAnomaly.Data;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Detectors;

/// <summary>Why each row of a series scored as it did: what <c>score --top</c> and a series' evaluation report say of a row.</summary>
public static class StepExplanations
{
    /// <summary>
    /// Row index to the watched channels' shares of its score (<see cref="IExplainsPoints.Explain"/> on the rows its score
    /// read, the last <see cref="IScoresPoints.Lookback"/> up to it; null before the model's minimum rows); null when the
    /// model explains nothing.
    /// </summary>
    /// <param name="model">A fitted model.</param>
    /// <param name="series">The series its points were scored on.</param>
    public static Func<int, Attribution?>? For(IFittedDetector model, Series series)
    {
        if (model is not IExplainsPoints explains || model is not IScoresPoints points || points.Lookback <= 0)
        {
            return null;
        }

        return t =>
        {
            if (t + 1 < points.MinimumRows)
            {
                return null;
            }

            var start = Math.Max(0, t + 1 - points.Lookback);
            return explains.Explain(series.Slice(start, t + 1 - start).AsSequenceSet($"rows {start + 1}-{t + 1}"));
        };
    }
}
