namespace VaeAnomaly.Server;

/// <summary>How <c>vae-anomaly serve</c> runs: where the models are, where it listens, who may call it, where streams live.</summary>
public sealed record ServeOptions
{
    /// <summary>A folder of bundles, one per sub-folder; a model's name is its folder's name.</summary>
    public required string ModelsDirectory { get; init; }

    /// <summary>
    /// Loads one bundle folder: the CLI's <c>--engine onnx</c> attaches ONNX Runtime here. Null for
    /// <see cref="Detectors.DetectorRegistry.Load"/> (the default engine).
    /// </summary>
    public Func<string, Detectors.IFittedDetector>? Loader { get; init; }

    /// <summary>Where HTTP is served, e.g. <c>http://127.0.0.1:5080</c> (semicolon-separated for several).</summary>
    public string Urls { get; init; } = "http://127.0.0.1:5080";

    /// <summary>The key every <c>/v1</c> and <c>/metrics</c> request must carry in <c>X-Api-Key</c>; null for none.</summary>
    public string? ApiKey { get; init; }

    /// <summary>The folder that keeps each stream's state across restarts; null keeps it in memory only (one process).</summary>
    public string? StateDirectory { get; init; }

    /// <summary>
    /// A Redis server (<c>redis://host:port</c>) that several processes share for membership and stream state; null
    /// for one process on its own.
    /// </summary>
    public string? Cluster { get; init; }

    /// <summary>The cluster's name: the nodes that share a store and this name form one cluster.</summary>
    public string ClusterId { get; init; } = "vae-anomaly";

    /// <summary>The largest request body accepted, in bytes; larger is answered 413.</summary>
    public long MaxBodyBytes { get; init; } = 16L << 20;

    /// <summary>The port silos of a cluster talk to each other on.</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>The port Orleans clients connect to.</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>Rows of a stream not flagged after each alarm (<see cref="Streaming.AlarmRest"/>, scaled by each model's training length); off by default.</summary>
    public Streaming.AlarmRest Rest { get; init; }

    /// <summary>
    /// Whether streams keep learning (<see cref="Streaming.OnlineDetector"/>): each point is flagged by its surprise and the
    /// stream's model is fitted again or trained further on its newest rows judged normal; the learnt model is part of
    /// the stream's state. Off by default: every stream scores with its bundle as it is.
    /// </summary>
    public bool Online { get; init; }

    /// <summary>
    /// Whether the streams of a model that does not keep learning flag each point by its surprise next to the stream's own
    /// earlier scores (as many as its training part had rows; threshold 0.5), as <c>score --follow --flag-by surprise</c>
    /// does, instead of above the bundle's fitted threshold. A stream that keeps learning flags by surprise anyway.
    /// </summary>
    public bool FlagBySurprise { get; init; }
}
