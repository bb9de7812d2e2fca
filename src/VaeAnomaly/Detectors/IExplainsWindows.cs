using VaeAnomaly.Data;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Detectors;

/// <summary>A capability: the model tells which watched channels, and which steps, made the error of one window.</summary>
public interface IExplainsWindows
{
    /// <summary>
    /// The watched channels' shares of the window's squared error in scaled units (against the model's reconstruction, or for
    /// knn against the nearest training windows) and the span where it peaks. A share is of the model's error, not a
    /// diagnosis: a model that mixes channels can reconstruct a sound channel badly because another one broke.
    /// </summary>
    /// <param name="window">One unscaled sequence of exactly <see cref="IScoresPoints.Lookback"/> rows with the training channels.</param>
    Attribution Explain(SequenceSet window);
}
