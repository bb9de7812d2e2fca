using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using VaeAnomaly.Data;

namespace VaeAnomaly.Tests.Data;

/// <summary>
/// Inputs without bounds (a device, a line that never ends, a million columns) and values far beyond any training
/// range (issue 22, fifth and sixth defects): refused early with file, line and column, in messages of bounded length.
/// </summary>
public sealed class InputLimitTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Read_DevZero_RefusedAfterOneLineLimitNotAfterAllMemory()
    {
        var before = Process.GetCurrentProcess().PeakWorkingSet64;

        var series = Assert.Throws<DataFormatException>(() => SeriesCsvReader.Read("/dev/zero"));
        var sequences = Assert.Throws<DataFormatException>(() => SequenceCsvReader.Read("/dev/zero"));
        var records = Assert.Throws<DataFormatException>(() => TabularCsvReader.Read("/dev/zero"));

        Assert.All([series, sequences, records], e =>
        {
            Assert.Equal("/dev/zero", e.File);
            Assert.Equal(1, e.Line);
            Assert.Contains("longer than 1,048,576 bytes without a line break", e.Message);
        });
        Assert.True(Process.GetCurrentProcess().PeakWorkingSet64 - before < 512L << 20, "the readers must not hold an endless line");
    }

    [Fact]
    public void Read_LongLineInsideAGzipFile_RefusedWithItsLine()
    {
        // Given: a valid start, then a 2 MB line, compressed
        var path = dir.File("long.csv.gz");
        using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes("timestamp,value\n1,2\n2," + new string('7', 2_000_000) + "\n"));
        }

        var error = Assert.Throws<DataFormatException>(() => SeriesCsvReader.Read(path));

        Assert.Equal(3, error.Line);
        Assert.True(error.Message.Length < 300, error.Message);
    }

    [Fact]
    public void Read_HeaderOfAMillionColumns_RefusedInAShortMessage()
    {
        // A million columns is a 6.9 MB line: the line limit says so before any column is split.
        File.WriteAllText(dir.File("wide.csv"), "timestamp," + string.Join(",", Enumerable.Range(0, 1_000_000).Select(i => $"c{i}")) + "\n1," + string.Join(",", Enumerable.Repeat("0", 3)) + "\n");
        var wide = Assert.Throws<DataFormatException>(() => SeriesCsvReader.Read(dir.File("wide.csv")));
        Assert.True(wide.Message.Length < 300, $"{wide.Message.Length} characters");

        // 20,000 short names fit in a line but not under the column limit.
        File.WriteAllText(dir.File("many.csv"), "timestamp," + string.Join(",", Enumerable.Range(0, 20_000).Select(i => $"c{i}")) + "\n");
        var many = Assert.Throws<DataFormatException>(() => SeriesCsvReader.Read(dir.File("many.csv")));
        Assert.Contains("has 20,001 columns in its header; at most 10,000 are read", many.Message);
        Assert.Throws<DataFormatException>(() => TabularCsvReader.Read(dir.File("many.csv")));
    }

    [Fact]
    public void Read_ListOfColumnsInAMessage_IsCut()
    {
        File.WriteAllText(dir.File("named.csv"), "timestamp," + string.Join(",", Enumerable.Range(0, 5_000).Select(i => $"column_with_a_long_name_{i}")) + "\n1," + string.Join(",", Enumerable.Repeat("0", 5_000)) + "\n");

        var error = Assert.Throws<DataFormatException>(() => SeriesCsvReader.Read(dir.File("named.csv"), columns: ["nope"]));

        Assert.Contains("(5,001 in all)", error.Message);
        Assert.True(error.Message.Length < 1_000, $"{error.Message.Length} characters");
    }

    [Fact]
    public void Read_HugeCellOrColumnName_QuotedInAShortMessage()
    {
        File.WriteAllText(dir.File("cell.csv"), "timestamp,value\n1," + new string('x', 500_000) + "\n");
        File.WriteAllText(dir.File("name.csv"), "timestamp," + new string('n', 500_000) + "\n1,1e30\n");

        var cell = Assert.Throws<DataFormatException>(() => SeriesCsvReader.Read(dir.File("cell.csv")));
        var name = Assert.Throws<DataFormatException>(() => SeriesCsvReader.Read(dir.File("name.csv")));

        Assert.Contains("(500,000 characters)", cell.Message);
        Assert.True(cell.Message.Length < 1_300, $"{cell.Message.Length} characters");
        Assert.True(name.Message.Length < 1_300, $"{name.Message.Length} characters");
    }

    [Fact]
    public void CheckRows_PastTheLimit_RefusedWithLineAndAdvice()
    {
        TextInput.CheckRows("s.csv", 3, TextInput.MaxRows, "a series");

        var error = Assert.Throws<DataFormatException>(() => TextInput.CheckRows("s.csv", 20_000_002, TextInput.MaxRows + 1L, "a series"));

        Assert.Equal("s.csv:20000002: holds more than 20,000,000 rows in a series; split the file into parts", error.Message);
    }

    [Theory]
    [InlineData("timestamp,value,\n1,2,3\n", 3)]
    [InlineData("timestamp, ,value\n1,2,3\n", 2)]
    [InlineData(",timestamp,value\n0,1,3\n", 1)] // pandas' to_csv with its index
    public void Read_BlankColumnName_RefusedNamingTheFileAndColumn(string text, int column)
    {
        File.WriteAllText(dir.File("blank.csv"), text);

        var error = Assert.Throws<DataFormatException>(() => SeriesCsvReader.Read(dir.File("blank.csv")));

        Assert.Equal(dir.File("blank.csv"), error.File);
        Assert.Contains($"column {column} of the header has no name", error.Message);
        Assert.Equal(column == 1, error.Message.Contains("write with index=False", StringComparison.Ordinal));
        Assert.Equal(column == 3, error.Message.Contains("the header ends with a delimiter", StringComparison.Ordinal)); // the last column
    }

    [Fact]
    public void Read_ValuesBeyondFloatSquares_RefusedWithFileLineAndColumn()
    {
        // Given: 1e30 fits a float but its square does not; 1e17 is kept
        File.WriteAllText(dir.File("series.csv"), "timestamp,a,b\n1,1,2\n2,1e17,2\n3,1,1e30\n");
        File.WriteAllText(dir.File("seq.csv"), "sequence_id,t,a\nx,0,1\nx,1,-4e20\n");
        File.WriteAllText(dir.File("records.csv"), "a,kind\n1,x\n1e39,y\n");

        var series = Assert.Throws<DataFormatException>(() => SeriesCsvReader.Read(dir.File("series.csv")));
        var sequences = Assert.Throws<DataFormatException>(() => SequenceCsvReader.Read(dir.File("seq.csv")));
        var records = Assert.Throws<DataFormatException>(() => TabularCsvReader.Read(dir.File("records.csv")));

        Assert.Equal((4L, "b"), (series.Line!.Value, series.Column!));
        Assert.Equal((3L, "a"), (sequences.Line!.Value, sequences.Column!));
        Assert.Equal((3L, "a"), (records.Line!.Value, records.Column!));
        Assert.All([series, sequences, records], e => Assert.Contains("values beyond ±1e18 are refused", e.Message));
    }

    [Theory]
    [InlineData(MissingValues.Error)]
    [InlineData(MissingValues.Interpolate)]
    public void Read_NumberBeyondAFloatsRange_RefusedAsTooLargeNotTakenForAGap(MissingValues missing)
    {
        // Given: 1e39 and -1e400 are numbers (a float reads them as infinity); an interpolated gap would hide them
        File.WriteAllText(dir.File("series.csv"), "timestamp,a\n1,1\n2,1e39\n3,1\n");
        File.WriteAllText(dir.File("seq.csv"), "sequence_id,t,a\nx,0,1\nx,1,-1e400\nx,2,1\n");

        var series = Assert.Throws<DataFormatException>(() => SeriesCsvReader.Read(dir.File("series.csv"), missing: missing));
        var sequences = Assert.Throws<DataFormatException>(() => SequenceCsvReader.Read(dir.File("seq.csv"), missing: missing));

        Assert.Equal((3L, "a"), (series.Line!.Value, series.Column!));
        Assert.Equal((3L, "a"), (sequences.Line!.Value, sequences.Column!));
        Assert.All([series, sequences], e => Assert.Contains("values beyond ±1e18 are refused", e.Message));
    }

    [Theory]
    [InlineData(" NaN")]
    [InlineData("-inf")]
    [InlineData("Infinity")]
    public void Read_GapWrittenAsNaNOrInfinity_IsStillAGapToFill(string cell)
    {
        File.WriteAllText(dir.File("series.csv"), $"timestamp,a\n1,1\n2,{cell}\n3,3\n");

        var series = SeriesCsvReader.Read(dir.File("series.csv"), missing: MissingValues.Interpolate);

        Assert.Equal([1f, 2f, 3f], series.Values);
    }

    [Fact]
    public void Transform_ValueFarBeyondTheTrainingRange_StaysFiniteAndLargest()
    {
        // Given: a near-constant training channel, and a test value 1e17 away from it
        var train = new SequenceSet(["a", "b"], [new Sequence("t", [1f, 0f, 1.000001f, 1f, 1f, -1f])]);
        var scaler = Standardizer.Fit(train);
        var test = new SequenceSet(["a", "b"], [new Sequence("x", [1e17f, 0.5f])]);

        // When
        var scaled = scaler.Transform(test).Sequences[0].Values;

        // Then: clipped at 1e6 spreads, finite when squared in float, and still far the largest
        Assert.Equal(Standardizer.MaxScaled, scaled[0]);
        Assert.True(float.IsFinite(scaled[0] * scaled[0] * 1000));
        Assert.True(Math.Abs(scaled[1]) < 10);
    }

    [Fact]
    public void Read_Utf16WithoutItsByteOrderMark_RefusedSayingWhatItLooksLike_WithItOrAsUtf8_Read()
    {
        // Given: one series three ways: UTF-16 LE without a byte-order mark (as some exporters write it), with one, and UTF-8
        var text = "timestamp,value\n" + string.Concat(Enumerable.Range(0, 20).Select(i => $"{i},{i % 3}\n"));
        File.WriteAllBytes(dir.File("bare.csv"), Encoding.Unicode.GetBytes(text));
        File.WriteAllBytes(dir.File("marked.csv"), [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)]);
        File.WriteAllText(dir.File("utf8.csv"), text);

        // When / Then: before, the bare file's header was quoted back with its NULs as "no time column"
        var e = Assert.Throws<DataFormatException>(() => SeriesCsvReader.Read(dir.File("bare.csv")));
        Assert.Equal(1, e.Line);
        Assert.Contains("it looks like UTF-16 text without a byte-order mark", e.Message);
        Assert.Contains("UTF-16", Assert.Throws<DataFormatException>(() => TabularCsvReader.Read(dir.File("bare.csv"))).Message);
        Assert.Equal(SeriesCsvReader.Read(dir.File("utf8.csv")).Values, SeriesCsvReader.Read(dir.File("marked.csv")).Values);
    }
}
