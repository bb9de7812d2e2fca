namespace VaeAnomaly.Streaming;

/// <summary>Everything a <see cref="StreamingScorer"/> carries from one row to the next.</summary>
/// <param name="Rows">Rows scored so far.</param>
/// <param name="Recent">The last rows, oldest first, at most the model's lookback.</param>
public sealed record StreamState(long Rows, IReadOnlyList<float[]> Recent);
