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

    private const string TrainingSuffix = ", training part";

    /// <summary>
    /// The id of the training part of the series <paramref name="series"/> (a file split in time): beside a sequence of
    /// <see cref="ValidationPartOf"/> the same series, it says that the validation sequence continues this one, which a
    /// detector that judges a row by the rows before it needs to know (<c>gaussian</c>, <c>seasonal</c>).
    /// </summary>
    /// <param name="series">The series' name, e.g. its file's.</param>
    public static string TrainingPartOf(string series) => series + TrainingSuffix;

    /// <summary>The id of the validation part of the series <paramref name="series"/>, which continues its <see cref="TrainingPartOf"/>.</summary>
    /// <param name="series">The series' name, e.g. its file's.</param>
    public static string ValidationPartOf(string series) => $"{series}, validation part";

    /// <summary>Whether <paramref name="validation"/> is the validation part of the series whose training part is <paramref name="train"/>.</summary>
    /// <param name="train">A training sequence.</param>
    /// <param name="validation">A validation sequence.</param>
    public static bool Continues(Sequence train, Sequence validation) =>
        train.Id.EndsWith(TrainingSuffix, StringComparison.Ordinal) && validation.Id == ValidationPartOf(train.Id[..^TrainingSuffix.Length]);
}
