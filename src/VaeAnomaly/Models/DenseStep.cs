namespace VaeAnomaly.Models;

/// <summary>One operation of a dense network's evaluation path, with copies of its weights (for an exporter).</summary>
/// <param name="Op"><c>linear</c>, <c>relu</c> or <c>sigmoid</c>.</param>
/// <param name="Weight">A linear layer's weight, (output, input) row-major; empty otherwise.</param>
/// <param name="Bias">A linear layer's bias; empty otherwise.</param>
/// <param name="Input">A linear layer's input width.</param>
/// <param name="Output">A linear layer's output width.</param>
internal sealed record DenseStep(string Op, float[] Weight, float[] Bias, int Input, int Output);
