using VaeAnomaly.Scoring;

namespace VaeAnomaly.Tests.Scoring;

public sealed class ScoreAverageTests
{
    [Fact]
    public void Of_TakesEachScoreWithTheOnesBeforeIt_FewerJustAfterTheFirstScored_AndLeavesTheEarlierOnes()
    {
        // Scores from index 2 on; means of 3 worked out by hand: 3, (3 + 6) / 2, (3 + 6 + 0) / 3, (6 + 0 + 12) / 3, (0 + 12 + 3) / 3
        float[] scores = [7, 8, 3, 6, 0, 12, 3];

        var means = new ScoreAverage(3).Of(scores, firstScored: 2);

        Assert.Equal([7f, 8f, 3f, 4.5f, 3f, 6f, 5f], means);
        Assert.Equal(scores, ScoreAverage.Off.Of(scores, 2));
    }

    [Fact]
    public void Next_GivesOfsMeanOfTheNewestScore_ToTheBit()
    {
        var random = new Random(4);
        float[] scores = [.. Enumerable.Range(0, 40).Select(_ => (float)random.NextDouble() * 100)];
        var average = new ScoreAverage(10);
        var means = average.Of(scores, firstScored: 5);

        for (var t = 5; t < scores.Length; t++)
        {
            Assert.Equal(means[t], average.Next(scores[5..t], scores[t]));
        }
    }

    [Theory]
    [InlineData("off", 1)]
    [InlineData("1", 1)]
    [InlineData(" 10 ", 10)]
    public void Parse_ReadsOffOrACount(string text, int rows) => Assert.Equal(rows, ScoreAverage.Parse(text).Rows);

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("1e1")]
    [InlineData("ten")]
    public void Parse_RefusesAnythingElse_NamingTheOption(string text) =>
        Assert.Contains("--smooth takes off or a whole number", Assert.Throws<ArgumentException>(() => ScoreAverage.Parse(text)).Message);
}
