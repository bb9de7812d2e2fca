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

        if (Directory.Exists(path))
        {
            throw new DataFormatException(path, null, null, "is a folder; expected a CSV file");
        }

        if (SeriesParquetReader.IsParquet(path))
        {
            throw new DataFormatException(path, null, null, "is a Parquet file; Parquet is read as a time series or as records, while sequences (sequence_id,t,...) are read from CSV");
        }

        var stream = new BufferedStream(File.OpenRead(path), 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        var read = stream.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        var gzip = read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        Stream text = gzip ? new CheckedGzipStream(new PrefixedStream(magic[..read].ToArray(), stream), path) : new PrefixedStream(magic[..read].ToArray(), stream);
        return new StreamReader(new LineLimitStream(text, path), detectEncodingFromByteOrderMarks: true);
    }

    /// <summary>Longest line accepted, in bytes (after decompression): a file without line breaks (a device, a binary) fails here, not by exhausting memory.</summary>
    public const int MaxLineBytes = 1 << 20;

    /// <summary>
    /// Most data rows held in memory: a series, a records file, or one sequence (a stream that never ends, such as a
    /// pipe, fails here rather than by exhausting memory). Sequence files are scored a chunk at a time, so their
    /// total is not bounded.
    /// </summary>
    public const int MaxRows = 20_000_000;

    /// <summary>Refuses the row past <see cref="MaxRows"/>.</summary>
    /// <param name="path">The file, for the error.</param>
    /// <param name="line">The row's line.</param>
    /// <param name="rows">Rows held so far, this one included.</param>
    /// <param name="what">What is held: "a series", "records", "a sequence".</param>
    public static void CheckRows(string path, long line, long rows, string what)
    {
        if (rows > MaxRows)
        {
            throw new DataFormatException(path, line, null, $"holds more than {MaxRows:N0} rows in {what}; split the file into parts");
        }
    }

    /// <summary>Most columns accepted in a header.</summary>
    public const int MaxColumns = 10_000;

    /// <summary>Refuses a header of more than <see cref="MaxColumns"/> columns, one holding NUL characters (UTF-16 without its byte-order mark), a blank column name, or a name given twice (case aside).</summary>
    /// <param name="path">The file, for the error.</param>
    /// <param name="header">The header's names.</param>
    public static void CheckHeader(string path, IReadOnlyList<string> header)
    {
        if (header.Count > MaxColumns)
        {
            throw new DataFormatException(path, 1, null, $"has {header.Count:N0} columns in its header; at most {MaxColumns:N0} are read");
        }

        if (header.Any(h => h.Contains('\0', StringComparison.Ordinal)))
        {
            // Every other character NUL: UTF-16 saved without its byte-order mark (one with it is read as UTF-16).
            throw new DataFormatException(path, 1, null, "holds NUL characters in its header: it looks like UTF-16 text without a byte-order mark, or a binary file; expected UTF-8 text (save it as UTF-8 CSV)");
        }

        for (var i = 0; i < header.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(header[i]))
            {
                throw new DataFormatException(path, 1, null, $"column {i + 1} of the header has no name; expected a name for every column"
                    + (i == 0 ? " (pandas' to_csv writes its index so: write with index=False, or name the index, e.g. df.rename_axis('timestamp'))"
                        : i == header.Count - 1 ? " (the header ends with a delimiter, as some exporters end every line: remove the trailing delimiters, e.g. sed 's/,$//')" : ""));
            }
        }

        var duplicate = header.GroupBy(h => h.Trim(), StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new DataFormatException(path, 1, IO.Messages.Cut(duplicate.Key), "appears twice in the header; expected unique column names");
        }
    }

    /// <summary>The bytes already read to sniff the format, then the rest of the stream (works on pipes and devices, which cannot seek back).</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream source) : ReadOnlyStream(source)
    {
        private int position;


        public override int Read(Span<byte> buffer)
        {
            if (position < prefix.Length)
            {
                var n = Math.Min(buffer.Length, prefix.Length - position);
                prefix.AsSpan(position, n).CopyTo(buffer);
                position += n;
                return n;
            }

            return Inner.Read(buffer);
        }

    }

    /// <summary>Passes bytes through and throws a <see cref="DataFormatException"/> once a line passes <see cref="MaxLineBytes"/>.</summary>
    private sealed class LineLimitStream(Stream source, string path) : ReadOnlyStream(source)
    {
        private long line = 1;
        private int length;


        public override int Read(Span<byte> buffer)
        {
            var n = Inner.Read(buffer);
            var rest = buffer[..n];
            while (true)
            {
                var end = rest.IndexOf((byte)'\n');
                if (length + (end < 0 ? rest.Length : end) > MaxLineBytes)
                {
                    throw new DataFormatException(path, line, null, $"is longer than {MaxLineBytes:N0} bytes without a line break; expected CSV text with one row per line");
                }

                if (end < 0)
                {
                    length += rest.Length;
                    return n;
                }

                (line, length) = (line + 1, 0);
                rest = rest[(end + 1)..];
            }
        }

    }

    /// <summary>The first line of the file's text, or null when it is empty.</summary>
    /// <param name="path">The file.</param>
    public static string? FirstLine(string path)
    {
        using var reader = Open(path);
        return reader.ReadLine();
    }
}
