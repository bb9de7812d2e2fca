using VaeAnomaly.Data;

namespace VaeAnomaly.Tests.Data;

public sealed class TimeOrderTests
{
    [Theory]
    [InlineData(new[] { "1", "2", "2", "10" }, null)]                                  // numbers, not text: "10" follows "2"
    [InlineData(new[] { "1", "2", "1.5", "3" }, 2)]
    [InlineData(new[] { "2024-01-01 10:00", "2024-01-01 11:00", "2024-01-01 09:30" }, 2)]
    [InlineData(new[] { "2024-01-01T10:00:00+02:00", "2024-01-01 09:00" }, null)]      // 08:00 UTC, then 09:00 UTC
    [InlineData(new[] { "2024-01-01T10:00:00+02:00", "2024-01-01 07:59" }, 1)]
    [InlineData(new[] { "b", "a" }, null)]                                             // neither a number nor a date: not compared
    [InlineData(new string[0], null)]
    public void FirstBackwards_KnownTimes_GivesTheFirstRowEarlierThanTheOneBefore(string[] times, int? expected)
    {
        Assert.Equal(expected, TimeOrder.FirstBackwards(times));
    }

    [Theory]
    [InlineData(new[] { "2024-01-01 10:00", "2024-01-01 10:01", "2024-01-01 10:02", "2024-01-04 10:02", "2024-01-04 10:03" }, 3, 259_200, 60, true)]
    [InlineData(new[] { "0", "5", "10", "15", "100" }, 4, 85, 5, false)]
    [InlineData(new[] { "0", "5", "2024-01-01", "15" }, null, 0, 0, false)]                  // a number and a date: not compared
    [InlineData(new[] { "1", "1", "1", "2" }, null, 0, 0, false)]                              // no usual step
    [InlineData(new[] { "0", "1" }, null, 0, 0, false)]
    public void LargestStep_KnownTimes_GivesTheStepItsRowAndTheMedianStep(string[] times, int? row, double step, double usual, bool dates)
    {
        var found = TimeOrder.LargestStep(times);

        Assert.Equal(row, found?.Row);
        if (found is { } f)
        {
            Assert.Equal((step, usual, dates), (f.Step, f.Usual, f.Dates));
        }
    }
}
