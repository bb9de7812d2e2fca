namespace VaeAnomaly.Scoring;

/// <summary>What one per-point scoring of a series asks for; the same request for every model that scores points.</summary>
/// <param name="Mode">How window scores or step errors become point scores.</param>
/// <param name="Rule">Threshold rule; null for the model's own.</param>
/// <param name="Kind">
/// The window score behind <see cref="PointScoreMode.Last"/>, <see cref="PointScoreMode.Mean"/> and
/// <see cref="PointScoreMode.Max"/> for a model with several (the GRU-VAE); a model with one score accepts only the default.
/// </param>
/// <param name="Stride">
/// Steps between windows; 0 for the default: 1 under <see cref="PointScoreMode.Last"/> (every point scored by the window
/// that ends at it, as a stream scores it), the model's scoring stride otherwise.
/// </param>
/// <param name="Chunk">Windows scored at a time: bounds memory whatever the series' length.</param>
public sealed record PointScoreRequest(
    PointScoreMode Mode = PointScoreMode.Step, string? Rule = null, ScoreKind Kind = ScoreKind.Combined, int Stride = 0, int Chunk = 4096)
{
    /// <summary>The stride this request scores at, given the model's own scoring stride.</summary>
    /// <param name="modelStride">The stride the model was trained to score at.</param>
    public int StrideFor(int modelStride) => Stride > 0 ? Stride : Mode == PointScoreMode.Last ? 1 : modelStride;
}
