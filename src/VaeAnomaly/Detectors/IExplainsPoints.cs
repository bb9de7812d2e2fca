using VaeAnomaly.Data;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Detectors;

/// <summary>A capability: the model tells which watched channels, and which steps, made the score of one step of a series.</summary>
public interface IExplainsPoints
{
    /// <summary>
    /// The watched channels' shares of the newest row's score and the span where its error peaks. For a window model, the
    /// shares of the squared error in scaled units of the window that ends at that row (against the model's
    /// reconstruction, or for knn against the nearest training windows); for range and gaussian, each column's own score
    /// over their sum. A share is of the model's error, not a diagnosis: a model that mixes channels can reconstruct a
    /// sound channel badly because another one broke.
    /// </summary>
    /// <param name="rows">
    /// One unscaled sequence with the training channels: the series' rows up to and including the row to explain, at least
    /// <see cref="IScoresPoints.MinimumRows"/> of them; the model reads the last <see cref="IScoresPoints.Lookback"/>.
    /// </param>
    Attribution Explain(SequenceSet rows);
}
