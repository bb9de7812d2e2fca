using VaeAnomaly.Streaming;

namespace VaeAnomaly.Tests.Streaming;

/// <summary>The rest after an alarm: its length, its parsing, and which rows it quietens.</summary>
public sealed class AlarmRestTests
{
    [Theory]
    [InlineData("off", 750, 0)]
    [InlineData("auto", 750, 150)] // CAD OSE: the probationary period / 5
    [InlineData("auto", 376, 75)]
    [InlineData("auto", 3, 1)]     // never shorter than a row
    [InlineData("12", 750, 12)]
    public void For_GivesTheRowsToRest(string text, int trainingRows, int rows)
    {
        var rest = AlarmRest.Parse(text);

        Assert.Equal(rows, rest.For(trainingRows));
        Assert.Equal(text, rest.ToString());
    }

    [Theory]
    [InlineData("-3")]
    [InlineData("1.5")]
    [InlineData("often")]
    [InlineData("")]
    public void Parse_AnythingElse_IsRefusedNamingWhatIsExpected(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => AlarmRest.Parse(text));

        Assert.Contains("--rest takes off, auto (a fifth of the training length) or a whole number of rows", e.Message);
    }

    [Fact]
    public void Quieten_ZeroesTheRowsOfEachRest_FromTheFirstFlaggableRow()
    {
        // Given: rows 0-1 before the first that may be flagged; a rest of 2 rows
        float[] scores = [0.9f, 0.9f, 0.5f, 0.7f, 0.8f, 0.9f, 0.6f, 0.1f, 0.5f, 0.6f, 0.3f];

        // When
        AlarmRest.Quieten(scores, first: 2, threshold: 0.5, rows: 2);

        // Then: worked out by hand: row 2's 0.5 is not above the threshold; alarms at 3 (then 4-5 rest), 6 (7-8 rest), 9 (10 rests)
        Assert.Equal([0.9f, 0.9f, 0.5f, 0.7f, 0f, 0f, 0.6f, 0f, 0f, 0.6f, 0f], scores);
    }
}
