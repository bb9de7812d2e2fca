namespace VaeAnomaly.Performance;

/// <summary>One float tensor of a model's state dictionary, held as a managed array.</summary>
/// <param name="Shape">Dimensions.</param>
/// <param name="Values">Row-major values.</param>
internal sealed record StoredTensor(long[] Shape, float[] Values);
