namespace VaeAnomaly.Detectors;

/// <summary>One model of <see cref="ModelCatalog"/>.</summary>
/// <param name="Name">Name and version, e.g. <c>lstm-ae v2</c>.</param>
/// <param name="Description">What it is, in a few words.</param>
/// <param name="Create">Builds an unfitted detector with the given seed.</param>
public sealed record CatalogEntry(string Name, string Description, Func<int, IAnomalyDetector> Create);
