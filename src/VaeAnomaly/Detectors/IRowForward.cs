namespace VaeAnomaly.Detectors;

/// <summary>A row detector's row scores as another engine computes them (ONNX Runtime: see the VaeAnomaly.Onnx library).</summary>
internal interface IRowForward : IDisposable
{
    /// <summary>The engine's name, as <c>--engine</c> takes it.</summary>
    string Engine { get; }

    /// <summary>One score per row.</summary>
    /// <param name="values">Rows, row-major (row, channel), unscaled.</param>
    /// <param name="rows">How many rows.</param>
    float[] Run(float[] values, int rows);
}
