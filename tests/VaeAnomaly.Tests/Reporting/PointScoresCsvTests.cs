using VaeAnomaly.Data;
using VaeAnomaly.Reporting;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Tests.Reporting;

/// <summary>The points file: a flagged step's columns in one field, other steps' empty.</summary>
public sealed class PointScoresCsvTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Columns_LargestShareFirstToFourDecimals_LeavingOutAShareThatRoundsToZero()
    {
        var explanation = new Attribution([new("temp", 0.93), new("pressure", 0.06996), new("flow", 0.00004)], 0, 1);

        Assert.Equal("temp=0.93;pressure=0.07", PointScoresCsv.Columns(explanation));
    }

    [Fact]
    public void Write_WithExplanations_FillsTheColumnsFieldOfFlaggedStepsOnly()
    {
        // Given: three steps, the second above the threshold of 1
        var series = new Series(["t0", "t1", "t2"], ["a", "b"], [0, 0, 5, 0, 0, 0], null);
        float[] scores = [0.5f, 2f, 0.7f];
        var asked = new List<int>();
        Attribution Explain(int t)
        {
            asked.Add(t);
            return new Attribution([new("a", 1.0), new("b", 0.0)], 0, 1);
        }

        // When
        var path = dir.File("points.csv");
        PointScoresCsv.Write(series, scores, 1.0, path, Explain);

        // Then: only the flagged step is explained, b's share of 0 left out
        Assert.Equal(["timestamp,score,threshold,flag,columns", "t0,0.5,1,0,", "t1,2,1,1,a=1", "t2,0.7,1,0,"], File.ReadAllLines(path));
        Assert.Equal([1], asked);
    }

    [Theory]
    [InlineData(2, false)]
    [InlineData(4, false)]
    [InlineData(3, true)]
    public void Write_ScoresOrLabelsNotOnePerRow_AreRefusedBeforeAFileIsOpened(int scoreCount, bool twoLabels)
    {
        // Given: a series of three rows and scores (or labels) of another count: the CSV writer had written rows up to
        // the shortest and then failed with an index out of range, leaving that half file
        // (a series made with labels of another count is refused itself; a with-expression can still give it such labels)
        var series = new Series(["t0", "t1", "t2"], ["a", "b"], [0, 0, 5, 0, 0, 0], null) is var made && twoLabels ? made with { Labels = [false, true] } : made;
        var scores = Enumerable.Repeat(0.5f, scoreCount).ToArray();

        // When
        var csv = Assert.Throws<ArgumentException>(() => PointScoresCsv.Write(series, scores, 1.0, dir.File("points.csv")));
        var parquet = Assert.Throws<ArgumentException>(() => PointScoresParquet.Write(series, scores, 1.0, dir.File("points.parquet")));

        // Then
        Assert.StartsWith($"Got {scoreCount} scores{(twoLabels ? " and 2 labels" : "")} for a series of 3 rows; expected one per row", csv.Message);
        Assert.Equal(csv.Message, parquet.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }
}
