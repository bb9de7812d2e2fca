namespace VaeAnomaly.Streaming;

/// <summary>One scored row of a stream.</summary>
/// <param name="Index">The row's position in the stream, from 0.</param>
/// <param name="Score">Its score (0 while no window ends at it yet).</param>
/// <param name="Threshold">The threshold it is compared with.</param>
/// <param name="Flag">Whether the score exceeds the threshold, outside a rest after an earlier alarm.</param>
/// <param name="Guarded">Whether its model score was kept out of the surprise history (a guarded flag, <see cref="StreamingScorer"/>).</param>
/// <param name="Rested">Whether it lies in the rest after an alarm (<see cref="AlarmRest"/>), and so is not flagged whatever its score.</param>
public sealed record StreamPoint(long Index, float Score, double Threshold, bool Flag, bool Guarded = false, bool Rested = false)
{
    /// <summary>Whether the score exceeds the threshold, rest or not: the row is judged anomalous.</summary>
    public bool Above => Score > Threshold;

    /// <summary>
    /// For a flagged row pushed with explanations asked for: the watched channels' shares of its model score
    /// (<see cref="Detectors.IExplainsPoints.Explain"/> by the model that scored it, on the rows its score read); null otherwise, and
    /// for a model that explains nothing.
    /// </summary>
    public Scoring.Attribution? Explanation { get; init; }
}
