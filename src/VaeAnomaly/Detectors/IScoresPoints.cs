using VaeAnomaly.Data;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Detectors;

/// <summary>A capability: the model scores every time step of a series, against a threshold fitted for that kind of point score.</summary>
public interface IScoresPoints
{
    /// <summary>One score per time step of <paramref name="series"/>, streamed a chunk of windows at a time.</summary>
    /// <param name="series">One unscaled sequence with the training channels.</param>
    /// <param name="request">Mode, rule, window score and stride.</param>
    /// <param name="progress">Reports windows scored so far.</param>
    /// <exception cref="ArgumentException">Not one series, other channels, too short, or a rule that could not be fitted (with the reason).</exception>
    SeriesPointScores ScorePoints(SequenceSet series, PointScoreRequest request, IProgress<int>? progress = null);
}
