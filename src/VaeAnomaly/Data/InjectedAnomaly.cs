namespace VaeAnomaly.Data;

/// <summary>What the generator injected into one sequence, for tests and per-type analysis.</summary>
/// <param name="Type"><c>shift</c>, <c>variance</c> or <c>drift</c>.</param>
/// <param name="Channels">The distinct channels touched.</param>
/// <param name="Start">First affected step.</param>
/// <param name="End">One past the last affected step.</param>
/// <param name="Before">The observed values before injection, row-major (time, channels).</param>
public sealed record InjectedAnomaly(string Type, int[] Channels, int Start, int End, float[] Before);
