using VaeAnomaly.Data;

namespace VaeAnomaly.Tests.Data;

public sealed class TabularCsvReaderTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private string Write(string name, string text)
    {
        File.WriteAllText(dir.File(name), text);
        return dir.File(name);
    }

    [Fact]
    public void Read_MixedColumnsSemicolons_InfersTypesLabelsAndLines()
    {
        // Given: a BOM, semicolons, a quoted header, a numeric-looking text column (ids with a letter), labels of three spellings
        var path = Write("r.csv", "\uFEFF\"amount\";proto;code;label\n1.5;tcp;a1;normal\n-2e1;udp;7;0\n\n3;tcp;b2;smurf.\n4;icmp;c3;false\n");

        // When
        var table = TabularCsvReader.Read(path, labelColumn: "label");

        // Then
        Assert.Equal(["amount"], table.NumericNames);
        Assert.Equal(["proto", "code"], table.TextNames);
        Assert.Equal([2L, 3, 5, 6], table.Lines);
        Assert.Equal([1.5f, -20f, 3f, 4f], table.Records.Select(r => r.Numeric[0]));
        Assert.Equal([false, false, true, false], table.Records.Select(r => r.IsAnomaly));
        Assert.Equal("smurf.", table.Records[2].Type);
        Assert.Equal(["tcp", "a1"], table.Records[0].Text);
        Assert.True(table.Labelled);
    }

    [Fact]
    public void Read_WithoutLabelColumn_TakesEveryRecordAsNormal()
    {
        var table = TabularCsvReader.Read(Write("r.csv", "x,y\n1,2\n3,4\n"));

        Assert.False(table.Labelled);
        Assert.All(table.Records, r => Assert.False(r.IsAnomaly));
        Assert.Equal(["x", "y"], table.NumericNames);
    }

    [Theory]
    [InlineData("x,y\n1,2\n,4\n", null, ":3: column 'x': is empty")]
    [InlineData("x,y\n1,2\n3\n", null, ":3: found 1 fields; expected 2")]
    [InlineData("x,label\n1,0\n2,\n", "label", ":3: column 'label': is empty")]
    [InlineData("x,y\n1,2\n", "label", ":1: column 'label': the label column is not in the header")]
    [InlineData("x,y\n", null, ": has a header but no records")]
    [InlineData("x;y\n1;2,5\n2;3\n", null, ":2: column 'y': found '2,5', a number written with a decimal comma; expected a decimal point ('2.5')")]
    [InlineData("x;y\n1;2,5\n2;NA\n", null, ":2: column 'y': found '2,5', a number written with a decimal comma; expected a decimal point ('2.5')")] // a gap among them: read as text before
    [InlineData("x;y\n1;\n2;\n", null, "")] // an empty column is text, not decimal commas: read
    public void Read_BadInput_NamesFileLineAndColumn(string text, string? label, string expected)
    {
        var path = Write("bad.csv", text);

        if (expected.Length == 0)
        {
            Assert.Equal(["y"], TabularCsvReader.Read(path, label).TextNames);
            return;
        }

        var error = Assert.Throws<DataFormatException>(() => TabularCsvReader.Read(path, label));

        Assert.Contains(path + expected, error.Message);
    }

    [Fact]
    public void Read_IdentifierColumn_IsRefusedWithAHint()
    {
        var path = Write("ids.csv", "name,x\n" + string.Concat(Enumerable.Range(0, TabularCsvReader.MaxCategories + 1).Select(i => $"user{i},{i}\n")));

        var error = Assert.Throws<DataFormatException>(() => TabularCsvReader.Read(path));

        Assert.Contains("column 'name': has 1001 distinct text values", error.Message);
        Assert.Contains("--columns", error.Message);
    }

    [Fact]
    public void ReadForEncoder_KnownAnswer_EncodesByTrainingStatisticsInTheEncodersOrder()
    {
        // Given: training x = 1, 3 (mean 2, population std 1); categories tcp, udp
        var encoder = TabularEncoder.Fit(TabularCsvReader.Read(Write("train.csv", "proto,x\ntcp,1\nudp,3\n")).Records, ["x"], ["proto"]);

        // When: the scoring file has the columns in another order, an extra column and an unseen category
        var table = TabularCsvReader.Read(Write("test.csv", "extra,x,proto\nq,4,udp\nq,0,icmp\n"), encoder);
        var set = encoder.ToSequenceSet(table);

        // Then
        Assert.Equal(["x", "proto=tcp", "proto=udp"], set.ChannelNames);
        Assert.Equal([2f, 0f, 1f], set.Sequences[0].Values);
        Assert.Equal([-2f, 0f, 0f], set.Sequences[1].Values);
        Assert.Equal(["2", "3"], set.Sequences.Select(s => s.Id));
        Assert.Null(set.Labels);
        Assert.Equal(1, encoder.CountUnseen(table.Records));
    }

    [Fact]
    public void ReadForEncoder_MissingColumnOrText_NamesIt()
    {
        var encoder = TabularEncoder.Fit(TabularCsvReader.Read(Write("train.csv", "proto,x\ntcp,1\nudp,3\n")).Records, ["x"], ["proto"]);

        var missing = Assert.Throws<DataFormatException>(() => TabularCsvReader.Read(Write("a.csv", "x\n1\n"), encoder));
        var text = Assert.Throws<DataFormatException>(() => TabularCsvReader.Read(Write("b.csv", "proto,x\ntcp,1\ntcp,high\n"), encoder));

        Assert.Contains("column 'proto': is not in the header", missing.Message);
        Assert.Contains(":3: column 'x': found 'high'; expected a finite number", text.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("NaN")]
    [InlineData("NA")]
    [InlineData("null")]
    [InlineData("N/A")]
    public void Read_GapInANumberColumn_KeepsItNumericAndIsRefusedUnlessFilled(string gap)
    {
        // Given: a number column with one gap written as a spreadsheet, pandas or R writes one (a 'NaN' made the column text,
        // one-hot encoded with a category per value)
        var path = Write("gap.csv", $"x,y\n1,2\n2,{gap}\n3,6\n");

        // When
        var error = Assert.Throws<DataFormatException>(() => TabularCsvReader.Read(path));
        var filled = TabularCsvReader.Read(path, missing: MissingValues.Conditional);

        // Then
        Assert.Contains(path + ":3: column 'y': ", error.Message);
        Assert.Contains("--missing conditional", error.Message);
        Assert.Equal(["x", "y"], filled.NumericNames);
        Assert.Empty(filled.TextNames);
        Assert.True(float.IsNaN(filled.Records[1].Numeric[1]));
        Assert.Equal(1, filled.FilledValues);
        Assert.Equal(MissingValues.Conditional, filled.Gaps);
    }

    [Fact]
    public void Read_GapMarkersAmongText_StayCategories()
    {
        // 'NA' is North America's code among other text: the column is text and NA one of its values
        var table = TabularCsvReader.Read(Write("r.csv", "region,x\nNA,1\nEU,2\nnull,3\n"));

        Assert.Equal(["region"], table.TextNames);
        Assert.Equal(["NA", "EU", "null"], table.Records.Select(r => r.Text[0]));
    }

    [Fact]
    public void Read_MissingDrop_LeavesTheRecordOutWithItsLine()
    {
        var path = Write("gap.csv", "x,y,label\n1,2,0\n2,,1\n3,6,0\n");
        var encoder = TabularEncoder.Fit(TabularCsvReader.Read(Write("train.csv", "x,y\n1,2\n3,6\n")).Records, ["x", "y"], []);

        var read = TabularCsvReader.Read(path, "label", missing: MissingValues.Drop);
        var scored = TabularCsvReader.Read(path, encoder, "label", missing: MissingValues.Drop);
        var none = Assert.Throws<DataFormatException>(() => TabularCsvReader.Read(Write("all.csv", "x,y\n1,\nNaN,2\n3,\n"), missing: MissingValues.Drop));

        Assert.Equal([2L, 4], read.Lines);
        Assert.Equal(1, read.DroppedRecords);
        Assert.Equal([2L, 4], scored.Lines);
        Assert.Equal([false, false], scored.Records.Select(r => r.IsAnomaly));
        Assert.Contains("has no record without a gap", none.Message);
    }

    [Fact]
    public void ReadForEncoder_Gap_IsRefusedUnlessFilledAndNamesTheLine()
    {
        var encoder = TabularEncoder.Fit(TabularCsvReader.Read(Write("train.csv", "proto,x\ntcp,1\nudp,3\n")).Records, ["x"], ["proto"]);
        var path = Write("test.csv", "proto,x\ntcp,1\nudp,NA\n");

        var error = Assert.Throws<DataFormatException>(() => TabularCsvReader.Read(path, encoder));
        var set = encoder.ToSequenceSet(TabularCsvReader.Read(path, encoder, missing: MissingValues.Mean));

        Assert.Contains(path + ":3: column 'x': found 'NA', a missing value; expected a number, as in the training data", error.Message);
        Assert.Equal([0f, 0f, 1f], set.Sequences[1].Values); // the mean, as a z-score
    }

    [Theory]
    [InlineData(MissingValues.Interpolate)]
    [InlineData(MissingValues.Ffill)]
    public void Read_OrderedFills_AreRefusedForRecords(MissingValues missing)
    {
        var path = Write("r.csv", "x,y\n1,2\n3,4\n");

        var error = Assert.Throws<ArgumentException>(() => TabularCsvReader.Read(path, missing: missing));

        Assert.Contains("records have no order", error.Message);
    }
}
