namespace VaeAnomaly.Data;

/// <summary>How input channels are scaled, fitted on training data only.</summary>
public enum ScalerKind
{
    /// <summary>Subtract the mean, divide by the standard deviation.</summary>
    ZScore,

    /// <summary>Subtract the minimum, divide by the range: training values land in [0, 1].</summary>
    MinMax,
}
