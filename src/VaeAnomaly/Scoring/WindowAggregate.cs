namespace VaeAnomaly.Scoring;

/// <summary>How the scores of a sequence's windows become the sequence's score.</summary>
public enum WindowAggregate
{
    /// <summary>The worst window: a short anomaly is not averaged away over a long sequence.</summary>
    Max,

    /// <summary>The mean over windows.</summary>
    Mean,
}
