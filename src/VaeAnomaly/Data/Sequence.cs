namespace VaeAnomaly.Data;

/// <summary>One multivariate sequence: <c>Length</c> time steps of a fixed number of channels.</summary>
/// <param name="Id">The producer's identifier, kept verbatim (any string, not necessarily 0..n-1).</param>
/// <param name="Values">Row-major (time, channels): step <c>t</c>, channel <c>c</c> is at <c>t * channels + c</c>.</param>
public sealed record Sequence(string Id, float[] Values)
{
    /// <summary>1-based line of its first row in the file it was read from (header counted), or null when not read from a file.</summary>
    public long? Line { get; init; }

    /// <summary>Number of time steps for <paramref name="channels"/> channels.</summary>
    public int LengthFor(int channels) => Values.Length / channels;
}
