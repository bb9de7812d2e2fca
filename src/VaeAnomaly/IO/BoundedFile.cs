using System.Security.Cryptography;

namespace VaeAnomaly.IO;

/// <summary>
/// Reads files that may be anything a user or an attacker put there (a link to <c>/dev/zero</c>, a file that grows
/// while read) with a size limit, so a file that never ends costs at most the limit, never all memory.
/// </summary>
public static class BoundedFile
{
    /// <summary>The whole file, or <see cref="FileTooLargeException"/> once more than <paramref name="maxBytes"/> were read.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The most bytes accepted.</param>
    public static byte[] ReadAllBytes(string path, long maxBytes)
    {
        using var buffer = new MemoryStream();
        ReadChunks(path, maxBytes, (chunk, count) => buffer.Write(chunk, 0, count));
        return buffer.ToArray();
    }

    /// <summary>The file as UTF-8 text (a byte-order mark is skipped), with the limit of <see cref="ReadAllBytes"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The most bytes accepted.</param>
    public static string ReadAllText(string path, long maxBytes)
    {
        var bytes = ReadAllBytes(path, maxBytes);
        var start = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        return System.Text.Encoding.UTF8.GetString(bytes, start, bytes.Length - start);
    }

    /// <summary><c>sha256:</c> and the hex digest of the file, with the limit of <see cref="ReadAllBytes"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The most bytes accepted.</param>
    public static string Sha256(string path, long maxBytes)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        ReadChunks(path, maxBytes, (chunk, count) => hash.AppendData(chunk, 0, count));
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Hands the file to <paramref name="take"/> in chunks; throws <see cref="FileTooLargeException"/> once more than the limit was read.</summary>
    private static void ReadChunks(string path, long maxBytes, Action<byte[], int> take)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var chunk = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            total += read;
            if (total > maxBytes)
            {
                throw new FileTooLargeException(path, maxBytes);
            }

            take(chunk, read);
        }
    }
}
