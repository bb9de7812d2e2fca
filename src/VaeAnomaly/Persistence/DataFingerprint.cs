using System.Security.Cryptography;
using System.Text;
using VaeAnomaly.Data;

namespace VaeAnomaly.Persistence;

/// <summary>A SHA-256 over the content of sequence sets (channel names, ids and values), whatever file they came from.</summary>
public static class DataFingerprint
{
    /// <summary>Hex digest prefixed with <c>sha256:</c>.</summary>
    /// <param name="sets">The sets, in order.</param>
    public static string Of(params SequenceSet[] sets)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var set in sets)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(string.Join("\u001f", set.ChannelNames) + "\u001e"));
            foreach (var s in set.Sequences)
            {
                hash.AppendData(Encoding.UTF8.GetBytes(s.Id + "\u001f"));
                hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(s.Values.AsSpan()));
            }
        }

        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>SHA-256 of a file, prefixed with <c>sha256:</c>.</summary>
    /// <param name="path">The file.</param>
    public static string OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
