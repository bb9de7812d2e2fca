using System.IO.Compression;

namespace VaeAnomaly.Data;

/// <summary>Opens a text input for the readers: a UTF-8 BOM is skipped and a gzip file (by its magic bytes) is decompressed on the fly.</summary>
public static class TextInput
{
    /// <summary>A reader over the file's text.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="DataFormatException">The file does not exist.</exception>
    public static StreamReader Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new DataFormatException(path, null, null, "does not exist");
        }

        var stream = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[2];
        var gzip = stream.Read(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        stream.Position = 0;
        return new StreamReader(gzip ? new GZipStream(stream, CompressionMode.Decompress) : stream, detectEncodingFromByteOrderMarks: true);
    }

    /// <summary>The first line of the file's text, or null when it is empty.</summary>
    /// <param name="path">The file.</param>
    public static string? FirstLine(string path)
    {
        using var reader = Open(path);
        return reader.ReadLine();
    }
}
