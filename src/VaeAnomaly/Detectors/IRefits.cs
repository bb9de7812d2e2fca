namespace VaeAnomaly.Detectors;

/// <summary>A fitted model that knows how it was fitted, so a stream can fit it again on newer rows (<see cref="Streaming.OnlineDetector"/>).</summary>
public interface IRefits
{
    /// <summary>The settings that fit this model again on other data of the same columns: <c>DetectorRegistry.Create(Name, RefitSettings)</c>.</summary>
    DetectorSettings RefitSettings { get; }
}
