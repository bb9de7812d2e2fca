using VaeAnomaly.Data;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Detectors;

/// <summary>A capability: the model tells which watched channels, and which steps, made the error of one window.</summary>
public interface IExplainsWindows
{
    /// <summary>The watched channels' shares of the window's reconstruction error (scaled units) and the span where it peaks.</summary>
    /// <param name="window">One unscaled sequence of exactly <see cref="IScoresPoints.Lookback"/> rows with the training channels.</param>
    Attribution Explain(SequenceSet window);
}
