using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace VaeAnomaly.Data;

/// <summary>
/// The text of a gzip file, refused with a <see cref="DataFormatException"/> when the file is truncated or damaged.
/// <see cref="GZipStream"/> verifies a member only when it reaches its end: cut off earlier (an interrupted copy or
/// download), it just stops, so a reader would take the rows before the cut, the last one perhaps cut short, for the
/// whole file. At the end of the text this stream checks the file's last eight bytes, the gzip trailer (RFC 1952: the
/// CRC-32 and the length of the last member's text), against what was read; a file of several members (concatenated
/// .gz files) is checked by reading its last member's text again.
/// </summary>
internal sealed class CheckedGzipStream : ReadOnlyStream
{
    private readonly string path;
    private readonly TrailerTap compressed;
    private readonly Crc32 crc = new();
    private long length;
    private bool verified;

    /// <param name="compressed">The file's bytes from its first; owned by this stream.</param>
    /// <param name="path">The file, for messages and for reading a last member again.</param>
    public CheckedGzipStream(Stream compressed, string path)
        : this(new TrailerTap(compressed), path)
    {
    }

    private CheckedGzipStream(TrailerTap compressed, string path)
        : base(new GZipStream(compressed, CompressionMode.Decompress))
    {
        this.path = path;
        this.compressed = compressed;
    }

    public override int Read(Span<byte> buffer)
    {
        int n;
        try
        {
            n = Inner.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            throw Damaged($"its compressed data are damaged (the decompressor reports: {e.Message})");
        }

        if (n > 0)
        {
            crc.Append(buffer[..n]);
            length += n;
        }
        else if (buffer.Length > 0 && !verified)
        {
            Verify();
            verified = true;
        }

        return n;
    }

    /// <summary>Whether the text read ends where the file's trailer says its last member ends.</summary>
    private void Verify()
    {
        var (expectedCrc, expectedLength) = compressed.Trailer() ?? throw Damaged("it is shorter than a gzip header and trailer");
        if ((uint)length == expectedLength && crc.GetCurrentHashAsUInt32() == expectedCrc)
        {
            return;
        }

        // Several members: the trailer is the last one's, whose text is the last expectedLength bytes read.
        if (expectedLength < length && File.Exists(path) && LastBytesCrc(length - expectedLength) == expectedCrc)
        {
            return;
        }

        throw Damaged($"it ends before its data do: {length:N0} bytes of text came out, and its last bytes are not the end of a gzip stream (cut off by an interrupted copy or download?)");
    }

    /// <summary>The CRC-32 of the file's text after its first <paramref name="skip"/> bytes.</summary>
    private uint LastBytesCrc(long skip)
    {
        using var again = new GZipStream(new BufferedStream(File.OpenRead(path), 1 << 16), CompressionMode.Decompress);
        var buffer = new byte[1 << 16];
        var last = new Crc32();
        int n;
        while ((n = again.Read(buffer)) > 0)
        {
            var start = (int)Math.Clamp(skip, 0, n);
            last.Append(buffer.AsSpan(start, n - start));
            skip -= start;
        }

        return last.GetCurrentHashAsUInt32();
    }

    private DataFormatException Damaged(string why) =>
        new(path, null, null, $"is a gzip file, but {why}; expected a whole .gz file: copy or compress it again");

    /// <summary>Passes a stream's bytes through and keeps the last eight, which end a whole gzip file.</summary>
    private sealed class TrailerTap(Stream inner) : ReadOnlyStream(inner)
    {
        private readonly byte[] last = new byte[8];
        private long total;

        /// <summary>The CRC-32 and the length (modulo 2^32) of the last member's text, as the last eight bytes read give them; null when fewer than a header and a trailer were read.</summary>
        public (uint Crc, uint Length)? Trailer()
        {
            if (total < 18)
            {
                return null;
            }

            var oldest = (int)(total % 8); // where the next byte would go
            Span<byte> trailer = stackalloc byte[8];
            last.AsSpan(oldest).CopyTo(trailer);
            last.AsSpan(0, oldest).CopyTo(trailer[(8 - oldest)..]);
            return (BinaryPrimitives.ReadUInt32LittleEndian(trailer), BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]));
        }

        public override int Read(Span<byte> buffer)
        {
            var n = Inner.Read(buffer);
            var tail = buffer[Math.Max(0, n - 8)..n];
            total += n - tail.Length;
            foreach (var b in tail)
            {
                last[(int)(total++ % 8)] = b;
            }

            return n;
        }
    }
}
