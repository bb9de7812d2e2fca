using System.Globalization;
using CsvHelper;

namespace VaeAnomaly.Data;

/// <summary>A labels file (<c>sequence_id,label[,anomaly_type][,length]</c>) read and checked row by row, then matched to the data's sequences.</summary>
internal sealed class LabelTable
{
    private readonly string path;
    private readonly string lengthColumn;
    private readonly Dictionary<string, (SequenceLabel Label, long Line, string? Length)> byId = new(StringComparer.Ordinal);

    private LabelTable(string path, string lengthColumn) => (this.path, this.lengthColumn) = (path, lengthColumn);

    /// <summary>Reads every row: one per id, label 0 or 1.</summary>
    /// <param name="path">The labels file.</param>
    /// <exception cref="DataFormatException">A row that is malformed, a label other than 0/1, or an id labelled twice.</exception>
    public static LabelTable Read(string path)
    {
        using var reader = TextInput.Open(path);
        using var parser = new CsvParser(reader, SequenceCsvReader.Config(path));
        var header = SequenceCsvReader.ReadHeader(parser, path, [SequenceCsvReader.IdColumn, "label"]);
        int Find(string name) => Array.FindIndex(header, h => h.Equals(name, StringComparison.OrdinalIgnoreCase));
        var (idIndex, labelIndex, typeIndex, lengthIndex) = (Find(SequenceCsvReader.IdColumn), Find("label"), Find("anomaly_type"), Find("length"));
        var table = new LabelTable(path, lengthIndex >= 0 ? header[lengthIndex] : "length");
        var rows = 0L;
        while (parser.Read())
        {
            var line = parser.RawRow;
            TextInput.CheckRows(path, line, ++rows, "labels");
            var record = parser.Record!;
            if (record.Length == 1 && record[0].Length == 0)
            {
                continue;
            }

            if (record.Length != header.Length)
            {
                throw new DataFormatException(path, line, null, $"found {record.Length} fields; expected {header.Length} as in the header");
            }

            var id = record[idIndex];
            var isAnomaly = record[labelIndex] switch
            {
                "0" => false,
                "1" => true,
                var other => throw new DataFormatException(path, line, header[labelIndex], $"found '{other}'; expected 0 (normal) or 1 (anomalous)"),
            };
            var type = typeIndex >= 0 && record[typeIndex].Length > 0
                ? record[typeIndex]
                : isAnomaly ? "anomaly" : SequenceLabel.Normal;
            var length = lengthIndex >= 0 && record[lengthIndex].Length > 0 ? record[lengthIndex] : null;
            if (!table.byId.TryAdd(id, (new SequenceLabel(isAnomaly, type), line, length)))
            {
                throw new DataFormatException(path, line, header[idIndex], $"sequence '{id}' is labelled twice");
            }
        }

        return table;
    }

    /// <summary>The label of each sequence, in order.</summary>
    /// <param name="sequences">Sequences of the data file.</param>
    /// <param name="rows">Rows of each sequence as written in the data file, for the optional length column.</param>
    /// <exception cref="DataFormatException">A sequence without a label, or a length that differs from the data file's.</exception>
    public SequenceLabel[] Assign(IReadOnlyList<Sequence> sequences, IReadOnlyDictionary<string, int> rows) =>
        [.. sequences.Select(s =>
        {
            if (!byId.TryGetValue(s.Id, out var entry))
            {
                throw new DataFormatException(path, null, SequenceCsvReader.IdColumn, $"has no label for sequence '{s.Id}' of the data file; expected one row per sequence");
            }

            if (entry.Length is { } text && rows.TryGetValue(s.Id, out var actual)
                && (!int.TryParse(text, CultureInfo.InvariantCulture, out var length) || length != actual))
            {
                throw new DataFormatException(path, entry.Line, lengthColumn, $"found '{text}' for sequence '{s.Id}'; the data file has {actual} steps");
            }

            return entry.Label;
        })];

    /// <summary>Throws when the file labels sequences the data file does not have.</summary>
    /// <param name="matched">How many sequences were assigned labels.</param>
    /// <param name="ids">Every sequence id of the data file.</param>
    public void EnsureNoneLeft(int matched, IEnumerable<string> ids)
    {
        if (byId.Count != matched)
        {
            var extra = byId.Keys.Except(ids).First();
            throw new DataFormatException(path, byId[extra].Line, SequenceCsvReader.IdColumn, $"labels sequence '{extra}', which the data file does not have");
        }
    }
}
