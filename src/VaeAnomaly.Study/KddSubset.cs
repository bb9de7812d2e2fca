namespace VaeAnomaly.Study;

/// <summary>Which KDD Cup 99 records the benchmark uses.</summary>
public enum KddSubset
{
    /// <summary>Every normal record plus 3,377 attacks drawn with replacement (scikit-learn's "SA").</summary>
    SA,

    /// <summary>Every record.</summary>
    Full,
}
