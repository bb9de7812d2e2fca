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
    /// <param name="ct">Stops the scoring (between chunks of windows): Ctrl+C in the tool.</param>
    /// <exception cref="ArgumentException">Not one series, other channels, too short, or a rule that could not be fitted (with the reason).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    SeriesPointScores ScorePoints(SequenceSet series, PointScoreRequest request, IProgress<int>? progress = null, CancellationToken ct = default);

    /// <summary>The threshold <see cref="ScorePoints"/> flags with for <paramref name="request"/>.</summary>
    /// <param name="request">Mode, rule and window score.</param>
    /// <exception cref="ArgumentException">The rule could not be fitted for that score (with the reason).</exception>
    double PointThreshold(PointScoreRequest request);

    /// <summary>Rows a point's <see cref="PointScoreMode.Last"/> score depends on, the point's own included (with stride 1); 0 when the model reads whole sequences and cannot score a stream.</summary>
    int Lookback { get; }

    /// <summary>Rows at the start of a series that score 0 under <see cref="PointScoreMode.Last"/> because no window ends there yet.</summary>
    int Warmup { get; }

    /// <summary>Fewest rows of a series <see cref="ScorePoints"/> accepts (a window model's window); checked before scoring, so a file too short is named by its reader.</summary>
    int MinimumRows { get; }
}
