namespace VaeAnomaly.Streaming;

/// <summary>Everything an <see cref="OnlineDetector"/> carries from one row to the next, besides the model in use.</summary>
/// <param name="Offset">The stream index of the first row kept.</param>
/// <param name="Rows">The rows kept (for refits and the surprise history), oldest first.</param>
/// <param name="Excluded">Per row kept: whether it lies near a flag, and so is kept out of refits.</param>
/// <param name="ExcludeThrough">The last stream index kept out because of the latest flag.</param>
/// <param name="SinceRefit">Rows counted towards the next refit.</param>
/// <param name="Refits">Refits done.</param>
/// <param name="SkippedRefits">Refits the data did not allow.</param>
/// <param name="Stream">The scorer's state (the model in use's last rows and scores).</param>
/// <param name="Guarded">Per row kept: whether the guard kept its score out of the surprise history (null: none was).</param>
public sealed record OnlineState(long Offset, IReadOnlyList<float[]> Rows, IReadOnlyList<bool> Excluded, long ExcludeThrough, int SinceRefit, int Refits, int SkippedRefits, StreamState Stream, IReadOnlyList<bool>? Guarded = null);
