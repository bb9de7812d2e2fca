namespace VaeAnomaly.IO;

/// <summary>A file longer than the limit its reader sets.</summary>
/// <param name="path">The file.</param>
/// <param name="maxBytes">The limit.</param>
public sealed class FileTooLargeException(string path, long maxBytes)
    : IOException($"'{path}' holds more than {maxBytes:N0} bytes, the most accepted there")
{
    /// <summary>The limit.</summary>
    public long MaxBytes { get; } = maxBytes;
}
