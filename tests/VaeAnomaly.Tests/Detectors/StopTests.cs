using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Tests.Detectors;

/// <summary>
/// A stop asked for (Ctrl+C in the tool) is observed by the long loops: scoring a series, fitting a window model, reading
/// a file and generating data each throw <see cref="OperationCanceledException"/> instead of running to the end, and the
/// same calls without a stop give their answers.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class StopTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static SequenceSet Wave(int rows, int phase = 0) =>
        new(["a", "b"], [new Sequence("s", [.. Enumerable.Range(phase, rows).SelectMany(t => new[] { MathF.Sin(t / 5f), MathF.Cos(t / 7f) })])]);

    private static CancellationToken Stopped() => new(canceled: true);

    [Theory]
    [InlineData("pca")]
    [InlineData("knn")]
    [InlineData("range")]
    [InlineData("gaussian")]
    [InlineData("conv-ae")]
    public void ScorePoints_StopAsked_Throws_AndWithoutOneScoresEveryRow(string model)
    {
        // Given
        var settings = model == "conv-ae" ? new DetectorSettings { Epochs = 1, Window = 8 } : new DetectorSettings { Window = model is "range" ? null : 8 };
        using var detector = DetectorRegistry.Create(model, settings).Fit(Wave(400), Wave(100, 400));
        var scorer = (IScoresPoints)detector;
        var request = new PointScoreRequest(PointScoreMode.Last, Stride: 1);

        // When / Then
        Assert.ThrowsAny<OperationCanceledException>(() => scorer.ScorePoints(Wave(300, 500), request, ct: Stopped()));
        Assert.Equal(300, scorer.ScorePoints(Wave(300, 500), request, ct: CancellationToken.None).Scores.Length);
    }

    [Theory]
    [InlineData("pca")]
    [InlineData("knn")]
    public void Fit_WindowModel_StopAsked_Throws(string model) =>
        Assert.ThrowsAny<OperationCanceledException>(() => DetectorRegistry.Create(model, new DetectorSettings { Window = 8 }).Fit(Wave(400), Wave(100, 400), ct: Stopped()));

    [Fact]
    public void SeriesCsvReader_StopAsked_ThrowsOnALongFile_AndReadsItWithoutOne()
    {
        // Given: more rows than one check's stretch (4,096)
        var path = Path.Combine(dir.Path, "long.csv");
        File.WriteAllLines(path, ["t,a", .. Enumerable.Range(0, 10_000).Select(i => $"{i},{i % 7}")]);

        // When / Then
        Assert.ThrowsAny<OperationCanceledException>(() => SeriesCsvReader.Read(path, ct: Stopped()));
        Assert.Equal(10_000, SeriesCsvReader.Read(path).Length);
    }

    [Fact]
    public void TabularCsvReader_StopAsked_ThrowsOnALongFile()
    {
        var path = Path.Combine(dir.Path, "records.csv");
        File.WriteAllLines(path, ["x,kind", .. Enumerable.Range(0, 10_000).Select(i => $"{i % 11},{(i % 2 == 0 ? "a" : "b")}")]);

        Assert.ThrowsAny<OperationCanceledException>(() => TabularCsvReader.Read(path, ct: Stopped()));
        Assert.Equal(10_000, TabularCsvReader.Read(path).Records.Count);
    }

    [Fact]
    public void SyntheticGenerator_StopAsked_Throws() =>
        Assert.ThrowsAny<OperationCanceledException>(() => new SyntheticGenerator(new SyntheticOptions { Train = 20, Validation = 10, Test = 10 }).Generate(Stopped()));

    [Fact]
    public void SyntheticOptions_MoreValuesThanMemoryAllows_RefusedWithTheCount()
    {
        // Given: 1,000,000 + 500 + 1,000 sequences of up to 65,536 steps of 8 channels: 525,074,432,000 values at most
        var options = new SyntheticOptions { Train = 1_000_000, MaxLength = 65_536 };

        // When
        var e = Assert.Throws<ArgumentException>(options.Validate);

        // Then: the bound and what was asked, both counted; the spec's defaults pass
        Assert.Contains("at most 250,000,000 values", e.Message, StringComparison.Ordinal);
        Assert.Contains("up to 525,074,432,000", e.Message, StringComparison.Ordinal);
        new SyntheticOptions().Validate();
    }
}
