namespace VaeAnomaly.Persistence;

/// <summary>A model bundle that cannot be used: missing, corrupted, from another format, or not matching the data.</summary>
/// <param name="directory">The bundle folder.</param>
/// <param name="problem">What is wrong and what was expected.</param>
public sealed class BundleException(string directory, string problem) : Exception($"{directory}: {problem}")
{
    /// <summary>The bundle folder.</summary>
    public string Directory { get; } = directory;
}
