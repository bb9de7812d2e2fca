using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace VaeAnomaly.Data;

/// <summary>
/// Reads sequences in the synthetic-v1 long format (<c>sequence_id,t,channel...</c>, one row per step)
/// and the optional labels file (<c>sequence_id,label[,anomaly_type][,length]</c>), from any producer.
/// </summary>
/// <remarks>
/// Columns are found by name, so their order and the channel names are free; every column other than
/// <c>sequence_id</c> and <c>t</c> is a channel. Ids are kept as strings. Rows of one sequence must be
/// contiguous with <c>t</c> running 0, 1, 2, ... The delimiter (<c>,</c>, <c>;</c> or tab) is detected
/// from the header; gzip files and a UTF-8 BOM are handled. Every problem raises <see cref="DataFormatException"/>
/// naming the file, the line and the column.
/// </remarks>
public static class SequenceCsvReader
{
    /// <summary>Name of the sequence id column.</summary>
    public const string IdColumn = "sequence_id";

    /// <summary>Name of the time step column.</summary>
    public const string TimeColumn = "t";

    /// <summary>Reads a data file and, when given, its labels file.</summary>
    /// <param name="dataPath">Long-format sequences.</param>
    /// <param name="labelsPath">Labels, or null for an unlabelled set.</param>
    /// <param name="missing">What to do with empty, NaN or infinite cells; gaps are filled within each sequence, and dropping rows shortens it.</param>
    public static SequenceSet Read(string dataPath, string? labelsPath = null, MissingValues missing = MissingValues.Error)
    {
        var tally = new ReadTally();
        var sequences = Enumerate(dataPath, GapFilling.ForRowsInOrder(missing), tally).ToList();
        var labels = labelsPath is null ? null : ReadLabels(labelsPath, sequences, tally.Rows);
        return new SequenceSet(tally.Channels, sequences, labels) { Source = dataPath, FilledValues = tally.Filled, DroppedRows = tally.Dropped, Rounded = tally.Rounding?.Coarse(tally.Channels) ?? [] };
    }

    /// <summary>
    /// Reads a data file a few sequences at a time, so a file of any size is scored with bounded memory. Every
    /// check of <see cref="Read"/> applies; an error late in the file surfaces when that chunk is reached.
    /// </summary>
    /// <param name="dataPath">Long-format sequences.</param>
    /// <param name="chunkSize">Sequences per chunk.</param>
    /// <param name="labelsPath">Labels (read whole first: one short row per sequence), or null.</param>
    /// <param name="missing">What to do with empty, NaN or infinite cells.</param>
    /// <returns>
    /// Sets of at most <paramref name="chunkSize"/> sequences, in file order; the counts of filled and dropped values are
    /// each chunk's own, and the last chunk's <see cref="SequenceSet.Rounded"/> holds the channels of the whole file that
    /// floats hold coarsely (the others' is empty: that is known only once every row has been read).
    /// </returns>
    public static IEnumerable<SequenceSet> ReadChunks(string dataPath, int chunkSize, string? labelsPath = null, MissingValues missing = MissingValues.Error)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        GapFilling.ForRowsInOrder(missing);
        var table = labelsPath is null ? null : LabelTable.Read(labelsPath);
        var count = 0;
        var tally = new ReadTally();
        var chunk = new List<Sequence>(chunkSize);
        var (filled, dropped) = (0, 0); // the tally's counts when the chunk began
        var (filledAfter, droppedAfter) = (0, 0); // and after its last sequence
        foreach (var sequence in Enumerate(dataPath, missing, tally))
        {
            if (chunk.Count == chunkSize)
            {
                // A full chunk is handed on when the next sequence arrives, so the last one is known to be the last.
                yield return new SequenceSet(tally.Channels, chunk, table?.Assign(chunk, tally.Rows)) { Source = dataPath, FilledValues = filledAfter - filled, DroppedRows = droppedAfter - dropped };
                (chunk, filled, dropped) = (new List<Sequence>(chunkSize), filledAfter, droppedAfter);
            }

            chunk.Add(sequence);
            count++;
            (filledAfter, droppedAfter) = (tally.Filled, tally.Dropped);
        }

        if (chunk.Count > 0)
        {
            yield return new SequenceSet(tally.Channels, chunk, table?.Assign(chunk, tally.Rows))
            {
                Source = dataPath,
                FilledValues = tally.Filled - filled,
                DroppedRows = tally.Dropped - dropped,
                Rounded = tally.Rounding?.Coarse(tally.Channels) ?? [],
            };
        }

        table?.EnsureNoneLeft(count, tally.Rows.Keys);
    }

    /// <summary>CSV settings shared by the readers: malformed quoting becomes a <see cref="DataFormatException"/> with its line.</summary>
    internal static CsvConfiguration Config(string path) => Config(path, SeriesCsvReader.DetectDelimiter(TextInput.FirstLine(path) ?? ""));

    /// <inheritdoc cref="Config(string)"/>
    internal static CsvConfiguration Config(string path, string delimiter) => new(CultureInfo.InvariantCulture)
    {
        Delimiter = delimiter,
        BadDataFound = args => throw new DataFormatException(path, args.Context.Parser?.RawRow, null, MalformedField(args.Field)),
        HasHeaderRecord = true,
        DetectColumnCountChanges = false,
        TrimOptions = TrimOptions.Trim,
    };

    /// <summary>
    /// CSV settings shared by the writers: invariant numbers and Unix line ends (<c>\n</c>), as the rest of the tool writes
    /// its text, so <c>grep</c> and <c>awk</c> read the last field without a carriage return.
    /// </summary>
    public static CsvConfiguration Output { get; } = new(CultureInfo.InvariantCulture) { NewLine = "\n" };

    /// <summary>The sequences of a data file in order, parsed as they are reached; <paramref name="tally"/> is filled in along the way.</summary>
    private static IEnumerable<Sequence> Enumerate(string path, MissingValues missing, ReadTally tally)
    {
        using var reader = TextInput.Open(path);
        using var parser = new CsvParser(reader, Config(path));
        var header = ReadHeader(parser, path, [IdColumn, TimeColumn]);
        var idIndex = Array.FindIndex(header, h => h.Equals(IdColumn, StringComparison.OrdinalIgnoreCase));
        var tIndex = Array.FindIndex(header, h => h.Equals(TimeColumn, StringComparison.OrdinalIgnoreCase));
        var channelIndex = Enumerable.Range(0, header.Length).Where(i => i != idIndex && i != tIndex).ToArray();
        if (channelIndex.Length == 0)
        {
            throw new DataFormatException(path, 1, null, $"found only '{IdColumn}' and '{TimeColumn}'; expected at least one channel column after them");
        }

        var channels = channelIndex.Select(i => header[i]).ToArray();
        tally.Channels = channels;
        tally.Rounding = new FloatRounding(channels.Length);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? currentId = null;
        long currentLine = 0;
        var current = new List<float>();
        var expectedT = 0L;
        var row = new float[channelIndex.Length];
        var gaps = 0;

        Sequence Finish()
        {
            tally.Rows[currentId!] = (int)expectedT;
            if (current.Count == 0)
            {
                throw new DataFormatException(path, currentLine, null, $"every row of sequence '{currentId}' has a missing value; nothing is left after dropping them");
            }

            var values = current.ToArray();
            if (gaps > 0)
            {
                GapFilling.Fill(values, channels.Length, missing, c => new DataFormatException(path, currentLine, channels[c], $"sequence '{currentId}' has no number at all in this column; nothing to fill its gaps from"));
                tally.Filled += gaps;
            }

            current.Clear();
            gaps = 0;
            return new Sequence(currentId!, values) { Line = currentLine };
        }

        while (parser.Read())
        {
            var line = parser.RawRow;
            var record = parser.Record!;
            if (record.Length == 1 && record[0].Length == 0)
            {
                continue; // blank line
            }

            if (record.Length != header.Length)
            {
                throw new DataFormatException(path, line, null, $"found {record.Length} fields; expected {header.Length} as in the header");
            }

            var id = record[idIndex];
            if (id.Length == 0)
            {
                throw new DataFormatException(path, line, header[idIndex], "found an empty sequence id");
            }

            if (id != currentId)
            {
                if (currentId is not null)
                {
                    yield return Finish();
                }

                if (!seen.Add(id))
                {
                    throw new DataFormatException(path, line, header[idIndex], $"sequence '{id}' appears again after other sequences; expected the rows of a sequence to be contiguous");
                }

                currentId = id;
                currentLine = line;
                expectedT = 0;
            }

            if (!long.TryParse(record[tIndex], NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) || t != expectedT)
            {
                throw new DataFormatException(path, line, header[tIndex], $"found '{record[tIndex]}' in sequence '{id}'; expected the step {expectedT} (t runs 0, 1, 2, ... within a sequence)");
            }

            expectedT++;
            TextInput.CheckRows(path, line, expectedT, $"sequence '{IO.Messages.Cut(currentId!)}'");
            var rowGaps = 0;
            for (var k = 0; k < channelIndex.Length; k++)
            {
                row[k] = GapFilling.ParseCell(record[channelIndex[k]], missing, path, line, header[channelIndex[k]]);
                rowGaps += float.IsNaN(row[k]) ? 1 : 0;
                tally.Rounding.Add(k, record[channelIndex[k]], row[k]);
            }

            if (rowGaps > 0 && missing == MissingValues.Drop)
            {
                tally.Dropped++;
                continue;
            }

            gaps += rowGaps;
            current.AddRange(row);
        }

        if (currentId is null)
        {
            throw new DataFormatException(path, null, null, "found a header but no data rows; expected at least one sequence");
        }

        yield return Finish();
    }

    private static IReadOnlyList<SequenceLabel> ReadLabels(string path, IReadOnlyList<Sequence> sequences, Dictionary<string, int> lengths)
    {
        var table = LabelTable.Read(path);
        var labels = table.Assign(sequences, lengths);
        table.EnsureNoneLeft(sequences.Count, lengths.Keys);
        return labels;
    }

    internal static string[] ReadHeader(CsvParser parser, string path, string[] required)
    {
        if (!parser.Read())
        {
            throw new DataFormatException(path, null, null, $"is empty; expected a header with {string.Join(", ", required)}");
        }

        var header = parser.Record!;
        TextInput.CheckHeader(path, header);
        foreach (var name in required)
        {
            if (!header.Any(h => h.Equals(name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new DataFormatException(path, 1, name, $"is missing from the header [{IO.Messages.List(header)}]");
            }
        }

        var duplicate = header.GroupBy(h => h, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new DataFormatException(path, 1, duplicate.Key, "appears twice in the header; expected unique column names");
        }

        return header;
    }

    /// <summary>What a reader says of a field CsvHelper found malformed.</summary>
    internal static string MalformedField(string field) =>
        $"found a malformed field ({Shorten(field)}): a stray quote or an unterminated quoted field; expected plain or properly quoted values";

    private static string Shorten(string field) => field.Length <= 20 ? $"'{field}'" : $"'{field[..20]}...'";

    /// <summary>What <see cref="Enumerate"/> learns while reading: the channels, each sequence's rows as written, and gap counts.</summary>
    private sealed class ReadTally
    {
        public IReadOnlyList<string> Channels { get; set; } = [];

        public Dictionary<string, int> Rows { get; } = new(StringComparer.Ordinal);

        public int Filled { get; set; }

        public int Dropped { get; set; }

        /// <summary>How floats rounded each channel's numbers; made once the header is read.</summary>
        public FloatRounding? Rounding { get; set; }
    }
}
