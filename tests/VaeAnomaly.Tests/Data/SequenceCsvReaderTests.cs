using VaeAnomaly.Data;

namespace VaeAnomaly.Tests.Data;

public sealed class SequenceCsvReaderTests
{
    [Fact]
    public void Read_ForeignFixture_KeepsIdsChannelsAndValues()
    {
        // Given: another program's files: other channel names, column order and ids.
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("test.csv"),
            "t,sequence_id,pressure,temp\n" +
            "0,pump-7,1.5,20\n" +
            "1,pump-7,1.25,21\n" +
            "2,pump-7,-3e-2,22.5\n" +
            "0,A,0,1\n" +
            "1,A,2,3\n");
        File.WriteAllText(dir.File("test_labels.csv"),
            "sequence_id,label\n" +
            "A,0\n" +
            "pump-7,1\n");

        // When
        var set = SequenceFolder.Read(dir.Path, "test");

        // Then
        Assert.Equal(["pressure", "temp"], set.ChannelNames);
        Assert.Equal(["pump-7", "A"], set.Sequences.Select(s => s.Id));
        Assert.Equal([1.5f, 20f, 1.25f, 21f, -0.03f, 22.5f], set.Sequences[0].Values);
        Assert.Equal(2, set.LengthOf(1));
        Assert.True(set.Labels![0].IsAnomaly);
        Assert.Equal("anomaly", set.Labels[0].AnomalyType);
        Assert.False(set.Labels[1].IsAnomaly);
    }

    [Fact]
    public void Read_SemicolonGzipWithBom_ReadsTheSameValues()
    {
        // Given: the same data as ';'-separated text with a BOM, gzip-compressed.
        using var dir = new TempDirectory();
        var path = dir.File("data.csv.gz");
        using (var file = File.Create(path))
        using (var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest))
        using (var writer = new StreamWriter(gzip, new System.Text.UTF8Encoding(true)))
        {
            writer.Write("sequence_id;t;a;b\ns1;0;1.5;2\ns1;1;3;4\n");
        }

        // When
        var set = SequenceCsvReader.Read(path);

        // Then
        Assert.Equal(["a", "b"], set.ChannelNames);
        Assert.Equal([1.5f, 2f, 3f, 4f], set.Sequences[0].Values);
    }

    [Fact]
    public void Read_WithoutLabelsFile_GivesUnlabelledSet()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("train.csv"), "sequence_id,t,x\n9,0,1\n9,1,2\n");

        var set = SequenceFolder.Read(dir.Path, "train");

        Assert.Null(set.Labels);
        Assert.Single(set.Sequences);
    }

    [Fact]
    public void WriteThenRead_GeneratedData_RoundTripsExactly()
    {
        // Given
        using var dir = new TempDirectory();
        var data = new SyntheticGenerator(new SyntheticOptions { Train = 5, Validation = 3, Test = 20, Seed = 3 }).Generate();

        // When
        SequenceFolder.Write(data, dir.Path);
        var test = SequenceFolder.Read(dir.Path, "test");

        // Then
        Assert.Equal(data.Test.Set.ChannelNames, test.ChannelNames);
        Assert.Equal(data.Test.Set.Sequences.Select(s => s.Id), test.Sequences.Select(s => s.Id));
        Assert.Equal(data.Test.Set.Sequences.SelectMany(s => s.Values), test.Sequences.SelectMany(s => s.Values));
        Assert.Equal(data.Test.Set.Labels, test.Labels);
        Assert.Equal(new[] { "train.csv", "train_labels.csv", "test.csv", "test_labels.csv", "val.csv", "val_labels.csv" }.Order(StringComparer.Ordinal),
            Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("sequence_id,t,x\n1,0,1\n1,2,2\n", 3, "t", "expected the step 1")]
    [InlineData("sequence_id,t,x\n1,1,1\n", 2, "t", "expected the step 0")]
    [InlineData("sequence_id,t,x\n1,0,1\n2,0,1\n1,1,1\n", 4, "sequence_id", "contiguous")]
    [InlineData("sequence_id,t,x\n1,0,abc\n", 2, "x", "found 'abc'; expected a finite number")]
    [InlineData("sequence_id,t,x\n1,0,NaN\n", 2, "x", "finite")]
    [InlineData("sequence_id,t,x\n1,0,\n", 2, "x", "use --missing interpolate, ffill or drop")]
    [InlineData("sequence_id,t,x\n1,0,1,5\n", 2, null, "expected 3")]
    [InlineData("id,t,x\n1,0,1\n", 1, "sequence_id", "missing from the header")]
    [InlineData("sequence_id,t,x,x\n1,0,1,1\n", 1, "x", "twice")]
    [InlineData("sequence_id,t\n1,0\n", 1, null, "channel column")]
    public void Read_BadData_NamesFileLineAndColumn(string content, long line, string? column, string expected)
    {
        // Given
        using var dir = new TempDirectory();
        var path = dir.File("bad.csv");
        File.WriteAllText(path, content);

        // When
        var error = Assert.Throws<DataFormatException>(() => SequenceCsvReader.Read(path));

        // Then
        Assert.Equal(path, error.File);
        Assert.Equal(line, error.Line);
        Assert.Equal(column, error.Column);
        Assert.Contains(expected, error.Message);
        Assert.StartsWith($"{path}:{line}", error.Message);
    }

    [Fact]
    public void Read_EmptyOrHeaderOnly_SaysWhatWasExpected()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("empty.csv"), "");
        File.WriteAllText(dir.File("header.csv"), "sequence_id,t,x\n");

        Assert.Contains("is empty", Assert.Throws<DataFormatException>(() => SequenceCsvReader.Read(dir.File("empty.csv"))).Message);
        Assert.Contains("no data rows", Assert.Throws<DataFormatException>(() => SequenceCsvReader.Read(dir.File("header.csv"))).Message);
        Assert.Contains("does not exist", Assert.Throws<DataFormatException>(() => SequenceCsvReader.Read(dir.File("missing.csv"))).Message);
    }

    [Theory]
    [InlineData("sequence_id,label\n1,2\n", 2, "label", "expected 0 (normal) or 1")]
    [InlineData("sequence_id,label\n1,0\n1,0\n", 3, "sequence_id", "labelled twice")]
    [InlineData("sequence_id,label,length\n1,0,5\n", 2, "length", "the data file has 2 steps")]
    [InlineData("sequence_id,label\n7,0\n", null, "sequence_id", "no label for sequence '1'")]
    [InlineData("sequence_id,label\n1,0\n7,1\n", 3, "sequence_id", "labels sequence '7'")]
    public void Read_BadLabels_NamesFileLineAndColumn(string labels, int? line, string column, string expected)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("d.csv"), "sequence_id,t,x\n1,0,1\n1,1,2\n");
        File.WriteAllText(dir.File("l.csv"), labels);

        var error = Assert.Throws<DataFormatException>(() => SequenceCsvReader.Read(dir.File("d.csv"), dir.File("l.csv")));

        Assert.Equal(dir.File("l.csv"), error.File);
        Assert.Equal((long?)line, error.Line);
        Assert.Equal(column, error.Column);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Read_AChannelFloatsHoldOnlyCoarsely_IsReportedWithTheSet()
    {
        // Given: channel 'a' near 10,000,000 varying by 0.4 at most (floats there are 1 apart), channel 'b' a plain sine
        using var dir = new TempDirectory();
        var path = dir.File("seq.csv");
        File.WriteAllLines(path, ["sequence_id,t,a,b", .. Enumerable.Range(0, 20).SelectMany(id => Enumerable.Range(0, 30).Select(t =>
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"s{id},{t},{1e7 + (0.4 * Math.Sin((t / 3.0) + id)):F4},{Math.Sin(t / 5.0):F4}")))]);

        // When
        var set = SequenceCsvReader.Read(path);

        // Then
        var rounded = Assert.Single(set.Rounded);
        Assert.Equal("a", rounded.Column);
        Assert.InRange(rounded.WorstRounding, 0.3, 0.5);
    }
}
