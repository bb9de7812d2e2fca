using System.Text.Json.Serialization;

namespace VaeAnomaly.Evaluation;

/// <summary>A fitted threshold and what it does on labelled data.</summary>
/// <param name="Rule">The rule's name.</param>
/// <param name="Value">The threshold; scores above it are flagged.</param>
/// <param name="Counts">Confusion counts at the threshold.</param>
public sealed record ThresholdOutcome(
    [property: JsonPropertyName("rule")] string Rule,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("confusion")] ConfusionCounts Counts);
