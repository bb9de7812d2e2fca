using VaeAnomaly.Evaluation;

namespace VaeAnomaly.Tests.Evaluation;

public sealed class EventMetricsTests
{
    [Fact]
    public void Of_TwoSegmentsOneFoundAndTwoFalseRuns_CountsEventsNotPoints()
    {
        // Given: segments [2,4] and [8,9]; flags on 3 (inside the first), on 0 and 6-7 (two runs outside every segment)
        bool[] labels = [false, false, true, true, true, false, false, false, true, true];
        bool[] flags = [true, false, false, true, false, false, true, true, false, false];

        // When
        var events = EventMetrics.Of(labels, flags);

        // Then
        Assert.Equal(new EventMetrics(2, 1, 2), events);
        Assert.Equal(0.5, events.Recall);
        Assert.Equal(1.0 / 3, events.Precision, 12);
    }

    [Fact]
    public void Of_ARunThatTouchesASegment_IsNotAFalseEvent()
    {
        bool[] labels = [false, true, true, false];
        bool[] flags = [true, true, false, false];

        var events = EventMetrics.Of(labels, flags);

        Assert.Equal(new EventMetrics(1, 1, 0), events);
        Assert.Equal(1.0, events.Precision);
    }
}
