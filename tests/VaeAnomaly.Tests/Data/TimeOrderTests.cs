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
}
