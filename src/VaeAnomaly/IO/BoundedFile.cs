using System.Security.Cryptography;

namespace VaeAnomaly.IO;

/// <summary>
/// Reads files that may be anything a user or an attacker put there (a link to <c>/dev/zero</c>, a pipe, a file that
/// grows while read) with a size limit, so a file that never ends costs at most the limit, never all memory, and an
/// empty file, a pipe or a device is refused before it is opened.
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
        // A pipe blocks at open until something writes to it, and devices report no size: none is a file these
        // readers want, and none has a length, so they are refused before opening.
        var info = new FileInfo(path);
        var target = info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info;
        if (target.Exists && target.Length == 0)
        {
            throw new IOException($"'{path}' is empty, or a pipe or device rather than a file");
        }

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
