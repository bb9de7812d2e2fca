using System.Globalization;
using CsvHelper;

namespace VaeAnomaly.Data;

/// <summary>
/// Reads the rows of a series one line at a time, as they arrive (a growing file, standard input): the header names
/// the time column and the model's columns, found by name in any order (other columns are ignored); each line gives a
/// timestamp and the values in the model's order, and (unless told otherwise) its time may not be earlier than the last
/// accepted line's (numbers compared as numbers, dates as dates; timestamps that are neither are not compared, and once
/// the lines' times are numbers or dates, a line whose time is not of that kind is refused). Quoted fields are
/// read as the batch readers read them (CsvHelper), within one line: a stream's record never spans lines.
/// </summary>
public sealed class CsvRowParser
{
    private readonly string source;
    private readonly char delimiter;
    private readonly int timeIndex;
    private readonly int[] valueIndex;
    private readonly int width;
    private readonly IReadOnlyList<string> channels;
    private readonly string? timeName;
    private readonly bool ordered;
    private (string Text, (double? Number, DateTime? Date) Time)? lastTime;

    /// <summary>A parser for the lines that follow <paramref name="header"/>.</summary>
    /// <param name="source">The input's name, for messages (a path, or "standard input").</param>
    /// <param name="header">The first line.</param>
    /// <param name="channels">The model's columns, in its order.</param>
    /// <param name="timeColumn">The time column; null to detect it (<see cref="SeriesCsvReader.TimeColumnNames"/>).</param>
    /// <param name="delimiter">The delimiter; null to detect it.</param>
    /// <param name="requireTime">Whether a header without a time column is refused; when false, such rows have an empty timestamp.</param>
    /// <param name="ordered">Whether a line whose time is earlier than the last accepted line's is refused (a stream read in order); when false, times are not compared.</param>
    /// <exception cref="DataFormatException">No time column (when one is required), or a model column missing.</exception>
    public CsvRowParser(string source, string header, IReadOnlyList<string> channels, string? timeColumn = null, string? delimiter = null, bool requireTime = true, bool ordered = true)
    {
        this.ordered = ordered;
        this.channels = channels;
        this.source = source;
        this.delimiter = (delimiter ?? SeriesCsvReader.DetectDelimiter(header))[0];
        var names = Fields(header.TrimStart('\uFEFF'), 1).Select(n => n.Trim()).ToArray();
        TextInput.CheckHeader(source, names);
        int Find(string name) => Array.FindIndex(names, h => h.Equals(name, StringComparison.OrdinalIgnoreCase));
        timeIndex = timeColumn is not null ? Find(timeColumn) : SeriesCsvReader.TimeColumnNames.Select(Find).FirstOrDefault(i => i >= 0, -1);
        if (timeIndex < 0 && (requireTime || timeColumn is not null))
        {
            throw new DataFormatException(source, 1, timeColumn, $"no time column in the header [{IO.Messages.List(names)}]; expected {(timeColumn is null ? string.Join(" or ", SeriesCsvReader.TimeColumnNames) : $"'{timeColumn}'")} (or name it with --time-column)");
        }

        timeName = timeIndex < 0 ? null : names[timeIndex];
        valueIndex = [.. channels.Select(c => Find(c) is var i and >= 0 ? i
            : throw new DataFormatException(source, 1, c, $"the model's column is not in the header [{IO.Messages.List(names)}]"))];
        width = names.Length;
    }

    /// <summary>Whether the header has a time column (else every timestamp is empty).</summary>
    public bool HasTime => timeIndex >= 0;

    /// <summary>The timestamp and the model's values of one line.</summary>
    /// <param name="line">The line, without its end.</param>
    /// <param name="lineNumber">Its number in the input (the header is line 1), for messages.</param>
    /// <exception cref="DataFormatException">Another number of fields, a value that is not a finite number, or a time earlier than the last accepted line's; the line is then not accepted.</exception>
    public (string Timestamp, float[] Values) Parse(string line, long lineNumber)
    {
        var (timestamp, values, _) = Parse(line, lineNumber, null);
        return (timestamp, values);
    }

    /// <summary>The timestamp and the model's values of one line, a gap (an empty, NaN or NA cell) taking its column's value in <paramref name="carry"/>.</summary>
    /// <param name="line">The line, without its end.</param>
    /// <param name="lineNumber">Its number in the input (the header is line 1), for messages.</param>
    /// <param name="carry">The values a gap takes (the row before, as <see cref="MissingValues.Ffill"/> carries it forward); null: a gap is refused.</param>
    /// <returns>The timestamp, the values, and how many gaps took a carried value.</returns>
    /// <exception cref="DataFormatException">As <see cref="Parse(string, long)"/>; a gap when nothing is carried.</exception>
    public (string Timestamp, float[] Values, int Filled) Parse(string line, long lineNumber, IReadOnlyList<float>? carry)
    {
        var fields = Fields(line, lineNumber);
        if (fields.Length != width)
        {
            throw new DataFormatException(source, lineNumber, null, $"has {fields.Length} fields; the header has {width}");
        }

        var values = new float[valueIndex.Length];
        var filled = 0;
        for (var k = 0; k < valueIndex.Length; k++)
        {
            var text = fields[valueIndex[k]].Trim();
            if (carry is not null && GapFilling.IsGap(text))
            {
                (values[k], filled) = (carry[k], filled + 1);
                continue;
            }

            if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out values[k]) || GapFilling.IsGap(text))
            {
                throw new DataFormatException(source, lineNumber, channels[k], GapFilling.MisWritten(text) is { } how
                    ? $"field {valueIndex[k] + 1} holds '{IO.Messages.Cut(text)}', {how}"
                    : $"field {valueIndex[k] + 1} holds '{IO.Messages.Cut(text)}'; expected a finite number");
            }

            GapFilling.CheckMagnitude(values[k], text, source, lineNumber, channels[k]); // the batch readers' bound
        }

        if (timeIndex < 0)
        {
            return ("", values, filled);
        }

        var timestamp = fields[timeIndex].Trim();
        var time = (timestamp, TimeOrder.Read(timestamp));

        // Once the times read as numbers or dates, a time of another kind (a typo, a stray label, a number among dates) is
        // refused: accepted, it would leave no time to compare the next line with, so times could go backwards unseen.
        if (ordered && lastTime is var (last, lastRead) && TimeOrder.Kind(lastRead) is { } kind && TimeOrder.Kind(time.Item2) != kind)
        {
            throw new DataFormatException(source, lineNumber, timeName, $"time '{IO.Messages.Cut(timestamp)}' is not a {kind}; the line before it has the {kind} '{IO.Messages.Cut(last)}'; expected a {kind} that does not go backwards");
        }

        if (ordered && lastTime is var (previous, previousTime) && TimeOrder.IsEarlier(time.Item2, previousTime))
        {
            throw new DataFormatException(source, lineNumber, timeName, $"time '{IO.Messages.Cut(timestamp)}' is earlier than the line before it ('{IO.Messages.Cut(previous)}'); expected times that do not go backwards");
        }

        lastTime = time;
        return (timestamp, values, filled);
    }

    /// <summary>The fields of one line: split at the delimiter, or read by CsvHelper when the line holds a quote.</summary>
    private string[] Fields(string line, long lineNumber)
    {
        line = line.TrimEnd('\r');
        if (!line.Contains('"', StringComparison.Ordinal))
        {
            return line.Split(delimiter);
        }

        // The batch readers' settings; the line number is the stream's, not the one-line parser's.
        var configuration = SequenceCsvReader.Config(source, delimiter.ToString()) with
        {
            HasHeaderRecord = false,
            BadDataFound = args => throw new DataFormatException(source, lineNumber, null, SequenceCsvReader.MalformedField(args.Field)),
        };
        using var parser = new CsvParser(new StringReader(line), configuration);
        return parser.Read() && parser.Record is { } record ? record : [""];
    }
}
