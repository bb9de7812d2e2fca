using VaeAnomaly.Data;

namespace VaeAnomaly.Study.Tests;

public sealed class SkabBenchmarkTests
{
    [Fact]
    public void Pieces_OfTheAnomalyFreeRecording_AreWholePiecesOf1150RowsAndTheRestIsLeftOut()
    {
        // 9,405 rows (SKAB's recording): 8 pieces, rows 9,200-9,404 left out.
        Assert.Equal([(0, 1150), (1150, 1150), (2300, 1150), (3450, 1150), (4600, 1150), (5750, 1150), (6900, 1150), (8050, 1150)], SkabBenchmark.Pieces(9405));
        Assert.Equal([(0, 1150), (1150, 1150)], SkabBenchmark.Pieces(2300));
    }

    [Fact]
    public void Pieces_OfAShorterRecording_IsTheWholeRecording() => Assert.Equal([(0, 650)], SkabBenchmark.Pieces(650));

    [Fact]
    public void RunAnomalyFree_UnknownProtocol_IsRefusedBeforeReading()
    {
        var error = Assert.Throws<ArgumentException>(() => SkabBenchmark.RunAnomalyFree("missing.csv", "published", 0, 1, WindowLevels.Keep, "quantile"));
        Assert.Contains("leaderboard or ours", error.Message, StringComparison.Ordinal);
    }
}
