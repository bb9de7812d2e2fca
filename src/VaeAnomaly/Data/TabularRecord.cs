namespace VaeAnomaly.Data;

/// <summary>One record of a table: numeric features, text features, and its label.</summary>
/// <param name="Numeric">Numeric feature values in column order.</param>
/// <param name="Text">Text (categorical) feature values in column order.</param>
/// <param name="IsAnomaly">True for an anomalous record.</param>
/// <param name="Type">The label as written (for KDD Cup 99: <c>normal.</c> or the attack's name).</param>
public sealed record TabularRecord(float[] Numeric, string[] Text, bool IsAnomaly, string Type);
