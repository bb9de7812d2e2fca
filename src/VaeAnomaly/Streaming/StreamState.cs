namespace VaeAnomaly.Streaming;

/// <summary>Everything a <see cref="StreamingScorer"/> carries from one row to the next.</summary>
/// <param name="Rows">Rows scored so far.</param>
/// <param name="Recent">The last rows, oldest first, at most the model's lookback.</param>
/// <param name="Scores">When flagging by surprise: the last scores the next one is judged against, oldest first; otherwise null.</param>
/// <param name="FlagRun">Consecutive flagged rows at the stream's end (for the surprise guard).</param>
/// <param name="Rest">Rows still to rest after the latest alarm (<see cref="AlarmRest"/>).</param>
/// <param name="Raw">When averaging scores (<see cref="Scoring.ScoreAverage"/>): the last raw scores the next mean takes, oldest first; otherwise null.</param>
public sealed record StreamState(long Rows, IReadOnlyList<float[]> Recent, IReadOnlyList<float>? Scores = null, int FlagRun = 0, int Rest = 0, IReadOnlyList<float>? Raw = null);
