using System.Text;
using VaeAnomaly.Data;

namespace VaeAnomaly.Tests.Data;

public sealed class SeriesCsvReaderTests
{
    [Fact]
    public void Read_SemicolonFileWithBomAndLabels_DetectsEverything()
    {
        // Given: SKAB's shape: ';', a BOM, 'datetime', two sensors, 'anomaly' and 'changepoint'.
        using var dir = new TempDirectory();
        var path = dir.File("s.csv");
        File.WriteAllText(path, "datetime;A;B;anomaly;changepoint\n2020-01-01 00:00:00;1.5;2;0.0;0.0\n2020-01-01 00:00:01;-1e-1;3;1.0;0.0\n", new UTF8Encoding(true));

        // When
        var series = SeriesCsvReader.Read(path, columns: ["A", "B"], labelColumn: "anomaly");

        // Then
        Assert.Equal(["A", "B"], series.ChannelNames);
        Assert.Equal(["2020-01-01 00:00:00", "2020-01-01 00:00:01"], series.Timestamps);
        Assert.Equal([1.5f, 2f, -0.1f, 3f], series.Values);
        Assert.Equal([false, true], series.Labels!);
    }

    [Theory]
    [InlineData("a,b,c", ",")]
    [InlineData("a;b;c", ";")]
    [InlineData("a\tb\tc", "\t")]
    [InlineData("single", ",")]
    public void DetectDelimiter_Headers_PicksTheMostFrequent(string header, string expected)
    {
        Assert.Equal(expected, SeriesCsvReader.DetectDelimiter(header));
    }

    [Fact]
    public void Read_ATextColumnAmongTheDefaultValues_SaysHowToLeaveItOut()
    {
        // Given: a status column the user did not mean as a value
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("s.csv"), "timestamp,temp,status,pressure\nt0,1.5,OK,3\nt1,1.6,OK,3\n");

        // When
        var error = Assert.Throws<DataFormatException>(() => SeriesCsvReader.Read(dir.File("s.csv")));
        var named = SeriesCsvReader.Read(dir.File("s.csv"), columns: ["temp", "pressure"]);

        // Then: the error names the cell and the --columns that leaves it out, which reads the file
        Assert.Equal((2L, "status"), (error.Line!.Value, error.Column));
        Assert.EndsWith("found 'OK'; expected a finite number; every column but the time and label columns is read as a value: leave this one out by naming the value columns, e.g. --columns temp,pressure", error.Message);
        Assert.Equal([1.5f, 3f, 1.6f, 3f], named.Values);
    }

    [Fact]
    public void Read_TrueFalseLabels_AreReadAs1And0_AnythingElseRefused()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("s.csv"), "timestamp,v,anomaly\nt0,1,False\nt1,2,TRUE\nt2,3,0\n");
        File.WriteAllText(dir.File("bad.csv"), "timestamp,v,anomaly\nt0,1,yes\n");

        var series = SeriesCsvReader.Read(dir.File("s.csv"), labelColumn: "anomaly");
        var error = Assert.Throws<DataFormatException>(() => SeriesCsvReader.Read(dir.File("bad.csv"), labelColumn: "anomaly"));

        Assert.Equal([false, true, false], series.Labels!);
        Assert.EndsWith(":2: column 'anomaly': found 'yes'; expected 0 or 1 (or false or true)", error.Message);
    }

    [Fact]
    public void Read_DefaultColumns_AreAllButTimeAndLabel()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("s.csv"), "value,timestamp,x\n1,t0,2\n3,t1,4\n");

        var series = SeriesCsvReader.Read(dir.File("s.csv"));

        Assert.Equal(["value", "x"], series.ChannelNames);
        Assert.Null(series.Labels);
    }

    [Theory]
    [InlineData("timestamp,v\nt0,1\nt1,abc\n", 3, "v", "expected a finite number")]
    [InlineData("timestamp;v;w\nt0;1,5;2\n", 2, "v", "found '1,5', a number written with a decimal comma; expected a decimal point ('1.5')")]
    [InlineData("timestamp,v\nt0,1\nt1,1,2\n", 3, null, "found 3 fields")]
    [InlineData("when,v\nt0,1\n", 1, null, "no time column")]
    [InlineData("timestamp,v\n", null, null, "no data rows")]
    public void Read_BadFiles_NameLineAndColumn(string content, int? line, string? column, string expected)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("s.csv"), content);

        var error = Assert.Throws<DataFormatException>(() => SeriesCsvReader.Read(dir.File("s.csv")));

        Assert.Equal((long?)line, error.Line);
        Assert.Equal(column, error.Column);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData(MissingValues.Interpolate, new[] { 1f, 2f, 3f, 4f, 4f }, 0)]
    [InlineData(MissingValues.Ffill, new[] { 1f, 1f, 1f, 4f, 4f }, 0)]
    [InlineData(MissingValues.Drop, new[] { 1f, 4f }, 3)]
    public void Read_Gaps_AreFilledAsAskedAndCounted(MissingValues missing, float[] expected, int dropped)
    {
        // Given: v = 1, '', NaN, 4, inf.
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("s.csv"), "timestamp,v\nt0,1\nt1,\nt2,NaN\nt3,4\nt4,Infinity\n");

        // When
        var series = SeriesCsvReader.Read(dir.File("s.csv"), missing: missing);

        // Then
        Assert.Equal(expected, series.Values);
        Assert.Equal(dropped, series.DroppedRows);
        Assert.Equal(missing == MissingValues.Drop ? 0 : 3, series.FilledValues);
    }

    [Fact]
    public void Read_MissingMarkersOfRAndPandas_AreGaps()
    {
        // Given: NA (R's write.csv), null and None (a database export, Python), N/A (a spreadsheet)
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("s.csv"), "timestamp,v\nt0,1\nt1,NA\nt2,null\nt3,None\nt4,N/A\nt5,6\n");

        // When
        var series = SeriesCsvReader.Read(dir.File("s.csv"), missing: MissingValues.Interpolate);
        var error = Assert.Throws<DataFormatException>(() => SeriesCsvReader.Read(dir.File("s.csv")));

        // Then: filled when asked, and refused by default with the fills (before, 'NA' was refused as text, with no advice)
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], series.Values);
        Assert.Equal(4, series.FilledValues);
        Assert.Contains(GapFilling.GapAdvice, error.Message);
    }

    [Theory]
    [InlineData(MissingValues.Mean)]
    [InlineData(MissingValues.Conditional)]
    public void Read_RecordFills_AreRefusedForASeries(MissingValues missing)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("s.csv"), "timestamp,v\nt0,1\nt1,\nt2,3\n");

        var error = Assert.Throws<ArgumentException>(() => SeriesCsvReader.Read(dir.File("s.csv"), missing: missing));

        Assert.Contains("use --missing interpolate or ffill", error.Message);
    }

    [Fact]
    public void Read_GapByDefault_SaysHowToFillIt()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("s.csv"), "timestamp,v\nt0,1\nt1,\n");

        var error = Assert.Throws<DataFormatException>(() => SeriesCsvReader.Read(dir.File("s.csv")));

        Assert.Equal(3, error.Line);
        Assert.Contains("--missing interpolate", error.Message);
    }

    [Fact]
    public void Split_TwentyRows_IsChronological()
    {
        var series = new Series(Enumerable.Range(0, 20).Select(i => $"t{i}").ToArray(), ["v"], Enumerable.Range(0, 20).Select(i => (float)i).ToArray(), null);

        var (train, validation, test) = series.Split(0.7, 0.15);

        Assert.Equal(14, train.Length);
        Assert.Equal(3, validation.Length);
        Assert.Equal(3, test.Length);
        Assert.Equal("t14", validation.Timestamps[0]);
        Assert.Equal(17f, test.Values[0]);
    }

    [Fact]
    public void IsSequenceLayout_BothKinds_AreToldApart()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("seq.csv"), "sequence_id,t,x\n1,0,1\n");
        File.WriteAllText(dir.File("series.csv"), "timestamp;x\nt0;1\n");

        Assert.True(SeriesCsvReader.IsSequenceLayout(dir.File("seq.csv")));
        Assert.False(SeriesCsvReader.IsSequenceLayout(dir.File("series.csv")));
    }
}
