namespace VaeAnomaly.Data;

/// <summary>A value column whose numbers 32-bit floats hold only coarsely next to how much they vary (<see cref="FloatRounding"/>).</summary>
/// <param name="Column">The column's name.</param>
/// <param name="Mean">The mean of its numbers as written.</param>
/// <param name="Spread">Their standard deviation as written.</param>
/// <param name="WorstRounding">The largest difference between a number as written and the float it was read as.</param>
public sealed record RoundedColumn(string Column, double Mean, double Spread, double WorstRounding);
