using VaeAnomaly.Training;

namespace VaeAnomaly.Tests.Training;

public sealed class BatchBudgetTests
{
    [Fact]
    public void Check_ProbesBatch_RefusedWithTheBatchSizeThatFits()
    {
        // Given: the probe's run, --batch-size 65536 over 52,245 windows of 1,024 steps: one batch of all 52,245
        // windows, 53,498,880 steps; 1,048,576 / 1,024 = 1,024 windows fit
        var e = Assert.Throws<ArgumentException>(() => BatchBudget.Check(65_536, 52_245, 1024));

        Assert.Contains("A batch of 52,245 windows of 1,024 steps holds 53,498,880 steps", e.Message, StringComparison.Ordinal);
        Assert.Contains("use --batch-size 1024 or less", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1024, 52_245, 1024)]   // exactly the bound
    [InlineData(65_536, 1000, 1024)]   // a large batch size, but only 1,000 windows to put in it
    [InlineData(64, 100_000, 32)]      // the defaults: 2,048 steps
    public void Check_WithinTheBound_Passes(int batchSize, int windows, int window) =>
        BatchBudget.Check(batchSize, windows, window);
}
