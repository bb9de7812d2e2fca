using VaeAnomaly.IO;

namespace VaeAnomaly.Tests.IO;

public sealed class PartialOutputTests
{
    [Fact]
    public void ShowDestinations_TemporaryPathsOfAFileAndOfAFolder_AreWrittenAsTheOutputs()
    {
        var file = PartialOutput.PathFor("/data/out/points.csv");
        var folder = PartialOutput.PathFor("/data/out/my.bundle");

        var message = PartialOutput.ShowDestinations($"No space left on device : '{file}'; then '{folder}/model.weights' and {folder}");

        Assert.Equal("/data/out", Path.GetDirectoryName(file));
        Assert.StartsWith(".points.csv.partial-", Path.GetFileName(file));
        Assert.Equal("No space left on device : '/data/out/points.csv'; then '/data/out/my.bundle/model.weights' and /data/out/my.bundle", message);
    }

    [Theory]
    [InlineData("Disk full: '/data/.points.csv.partial-123'")] // not a Guid: a user's own file, left as it is
    [InlineData("Access to the path '/data/points.csv' is denied.")]
    [InlineData("'/data/x.points.partial-0123456789abcdef0123456789abcdef'")] // no leading dot
    public void ShowDestinations_NoTemporaryPath_LeavesTheTextAsItIs(string text) =>
        Assert.Equal(text, PartialOutput.ShowDestinations(text));
}
