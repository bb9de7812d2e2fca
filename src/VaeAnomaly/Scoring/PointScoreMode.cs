namespace VaeAnomaly.Scoring;

/// <summary>How a series' per-point score is made from the windows that cover the point.</summary>
public enum PointScoreMode
{
    /// <summary>The point's own squared reconstruction error, averaged over channels and over the windows covering it.</summary>
    Step,

    /// <summary>The score of the latest window that ends at or before the point: the only mode that never looks ahead.</summary>
    Last,

    /// <summary>The mean of the scores of the windows covering the point.</summary>
    Mean,

    /// <summary>The largest score of the windows covering the point.</summary>
    Max,
}

/// <summary>Names of <see cref="PointScoreMode"/> as the command line writes them.</summary>
public static class PointScoreModes
{
    /// <summary>Every mode's name.</summary>
    public static IReadOnlyList<string> Names { get; } = ["step", "last", "mean", "max"];

    /// <summary>Parses <c>step</c>, <c>last</c>, <c>mean</c> or <c>max</c>.</summary>
    /// <param name="name">The name.</param>
    public static PointScoreMode Parse(string name) => name switch
    {
        "step" => PointScoreMode.Step,
        "last" => PointScoreMode.Last,
        "mean" => PointScoreMode.Mean,
        "max" => PointScoreMode.Max,
        _ => throw new ArgumentException($"Unknown point score '{name}'; expected one of {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>The command-line name of <paramref name="mode"/>.</summary>
    /// <param name="mode">A mode.</param>
    public static string Name(this PointScoreMode mode) => Names[(int)mode];
}
