namespace VaeAnomaly.Server.Streams;

/// <summary>The name of the grain storage that holds the streams, whichever store it is.</summary>
public static class StreamStorage
{
    /// <summary>The storage provider's name.</summary>
    public const string Name = "streams";
}
