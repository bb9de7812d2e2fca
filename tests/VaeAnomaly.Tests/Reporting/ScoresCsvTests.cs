using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Reporting;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Tests.Reporting;

/// <summary>The sequences' scores file: one row per sequence, a kind the model does not give left empty.</summary>
public sealed class ScoresCsvTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static readonly SequenceSet Three = new(["a"], [new Sequence("x", [1f]), new Sequence("y", [2f]), new Sequence("z", [3f])]);

    private static DetectorScores Scores(int combined, int kl) =>
        new(new SequenceScores([.. Enumerable.Repeat(0.5f, combined)], [.. Enumerable.Repeat(0.25f, kl)], [], [], []), [.. Enumerable.Range(1, combined).Select(i => (float)i)]);

    [Fact]
    public void Write_OneScorePerSequence_WritesEachRowWithAnEmptyFieldForAKindNotGiven()
    {
        var path = dir.File("scores.csv");

        ScoresCsv.Write(Three, Scores(3, 0), path, ScoreKind.Combined, 2.5);

        var lines = File.ReadAllLines(path);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("sequence_id,reconstruction,kl,combined,", lines[0]);
        Assert.StartsWith("z,0.5,,3,", lines[3]);
        Assert.EndsWith(",2.5,1", lines[3]);
    }

    [Theory]
    [InlineData(2, 0, "Got 2 reconstruction scores for 3 sequences")]
    [InlineData(3, 1, "Got 1 kl scores for 3 sequences")]
    public void Write_ScoresNotOnePerSequence_AreRefusedAndNoFileIsLeft(int combined, int kl, string expected)
    {
        // Before, a row past the scores' end was written with empty fields, or the flag column failed with an index out of range
        var path = dir.File("scores.csv");

        var error = Assert.Throws<ArgumentException>(() => ScoresCsv.Write(Three, Scores(combined, kl), path, ScoreKind.Combined, 2.5));

        Assert.StartsWith(expected, error.Message);
        Assert.False(File.Exists(path));
    }
}
