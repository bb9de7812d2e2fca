using VaeAnomaly.Data;

namespace VaeAnomaly.Tests.Data;

/// <summary><c>--missing</c> in the sequence layout: gaps are filled within each sequence, never across two.</summary>
public sealed class SequenceGapTests
{
    // Sequence a: x = 1, gap, 3, 4 and y = 10, 20, gap, 40; sequence b: x = gap, 7 and y = 5, 6.
    private const string Data =
        "sequence_id,t,x,y\n" +
        "a,0,1,10\n" +
        "a,1,,20\n" +
        "a,2,3,NaN\n" +
        "a,3,4,40\n" +
        "b,0,inf,5\n" +
        "b,1,7,6\n";

    private static SequenceSet Read(string content, MissingValues missing, string? labels = null)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("d.csv"), content);
        if (labels is not null)
        {
            File.WriteAllText(dir.File("l.csv"), labels);
        }

        return SequenceCsvReader.Read(dir.File("d.csv"), labels is null ? null : dir.File("l.csv"), missing);
    }

    [Fact]
    public void Read_Interpolate_FillsLinearlyWithinEachSequence()
    {
        var set = Read(Data, MissingValues.Interpolate);

        Assert.Equal([1f, 10f, 2f, 20f, 3f, 30f, 4f, 40f], set.Sequences[0].Values);
        Assert.Equal([7f, 5f, 7f, 6f], set.Sequences[1].Values); // b's leading gap takes b's first value, not a's last
        Assert.Equal(3, set.FilledValues);
        Assert.Equal(0, set.DroppedRows);
    }

    [Fact]
    public void Read_Ffill_CarriesTheLastValueOfTheSameSequence()
    {
        var set = Read(Data, MissingValues.Ffill);

        Assert.Equal([1f, 10f, 1f, 20f, 3f, 20f, 4f, 40f], set.Sequences[0].Values);
        Assert.Equal([7f, 5f, 7f, 6f], set.Sequences[1].Values);
        Assert.Equal(3, set.FilledValues);
    }

    [Fact]
    public void Read_Drop_ShortensSequencesAndStillMatchesLabelLengths()
    {
        // The labels' length column describes the file as written (4 and 2 rows).
        var set = Read(Data, MissingValues.Drop, "sequence_id,label,length\na,0,4\nb,1,2\n");

        Assert.Equal([1f, 10f, 4f, 40f], set.Sequences[0].Values);
        Assert.Equal([7f, 6f], set.Sequences[1].Values);
        Assert.Equal(3, set.DroppedRows);
        Assert.Equal(0, set.FilledValues);
        Assert.True(set.Labels![1].IsAnomaly);
    }

    [Fact]
    public void Read_GapByDefault_NamesLineColumnAndTheOption()
    {
        var error = Assert.Throws<DataFormatException>(() => Read(Data, MissingValues.Error));

        Assert.Equal(3, error.Line);
        Assert.Equal("x", error.Column);
        Assert.Contains("--missing interpolate, ffill or drop", error.Message);
    }

    [Fact]
    public void Read_DropEveryRowOfASequence_SaysNothingIsLeft()
    {
        var error = Assert.Throws<DataFormatException>(() => Read("sequence_id,t,x\na,0,1\nb,0,\nb,1,nan\n", MissingValues.Drop));

        Assert.Equal(3, error.Line);
        Assert.Contains("every row of sequence 'b' has a missing value", error.Message);
    }

    [Fact]
    public void Read_InterpolateAColumnEmptyInOneSequence_NamesTheSequenceAndColumn()
    {
        var error = Assert.Throws<DataFormatException>(() => Read("sequence_id,t,x,y\na,0,1,2\nb,0,3,\nb,1,4,\n", MissingValues.Interpolate));

        Assert.Equal(3, error.Line);
        Assert.Equal("y", error.Column);
        Assert.Contains("sequence 'b' has no number at all in this column", error.Message);
    }

    [Fact]
    public void Read_NotANumber_IsAnErrorWhatever_TheMissingSetting()
    {
        var error = Assert.Throws<DataFormatException>(() => Read("sequence_id,t,x\na,0,1\na,1,abc\n", MissingValues.Interpolate));

        Assert.Equal(3, error.Line);
        Assert.Contains("found 'abc'; expected a finite number", error.Message);
        Assert.DoesNotContain("--missing", error.Message);
    }
}
