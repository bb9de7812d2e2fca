namespace VaeAnomaly.Detectors;

/// <summary>One model and version as a comparison trains it (<see cref="DetectorRegistry.Versions"/>).</summary>
/// <param name="Name">Name and version, e.g. <c>lstm-ae v2</c>, as <see cref="DetectorRegistry.Create"/> takes it.</param>
/// <param name="Description">What it is, in a few words.</param>
public sealed record ModelVersion(string Name, string Description);
