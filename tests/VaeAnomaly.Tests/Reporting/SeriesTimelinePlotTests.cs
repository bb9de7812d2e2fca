using VaeAnomaly.Reporting;

namespace VaeAnomaly.Tests.Reporting;

/// <summary>A series' figures are drawn against its dates when its timestamps are dates in order, else against rows.</summary>
public sealed class SeriesTimelinePlotTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Dates_DatesInOrder_AreTheirOleAutomationDates_NumbersLabelsOrRowsOutOfOrderAreNot()
    {
        // 2026-01-01 is day 46,023 of the OLE Automation calendar (which counts from 1899-12-30); 06:00 is a quarter day
        Assert.Equal([46023.0, 46023.25, 46023.25], SeriesTimelinePlot.Dates(["2026-01-01T00:00:00", "2026-01-01 06:00:00", "2026-01-01T06:00:00Z"])!);
        Assert.Null(SeriesTimelinePlot.Dates(["1", "2", "3"]));
        Assert.Null(SeriesTimelinePlot.Dates(["2026-01-01", "x", "2026-01-03"]));
        Assert.Null(SeriesTimelinePlot.Dates(["2026-01-02", "2026-01-01"])); // drawn as a line, it would fold back
    }

    [Fact]
    public void SaveScores_DatedOrNot_WritesAFigure()
    {
        var scores = Enumerable.Range(0, 300).Select(i => i == 150 ? 5f : 0.1f).ToArray();
        var labels = Enumerable.Range(0, 300).Select(i => i is >= 148 and < 153).ToArray();
        var dates = Enumerable.Range(0, 300).Select(i => new DateTime(2026, 1, 1).AddMinutes(5 * i).ToString("s", System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        SeriesTimelinePlot.SaveScores(scores, 1, labels, "dated", dir.File("dated.png"), dates);
        SeriesTimelinePlot.SaveScores(scores, 1, labels, "rows", dir.File("rows.png"));

        Assert.True(new FileInfo(dir.File("dated.png")).Length > 1000);
        Assert.True(new FileInfo(dir.File("rows.png")).Length > 1000);
    }
}
