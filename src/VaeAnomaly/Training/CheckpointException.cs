namespace VaeAnomaly.Training;

/// <summary>A training checkpoint that cannot be used: missing, damaged, or made by a run with other settings or data.</summary>
/// <param name="path">The checkpoint file or folder.</param>
/// <param name="problem">What is wrong and what to do.</param>
public sealed class CheckpointException(string path, string problem) : Exception($"{path}: {problem}")
{
    /// <summary>The checkpoint file or folder.</summary>
    public string Path { get; } = path;
}
