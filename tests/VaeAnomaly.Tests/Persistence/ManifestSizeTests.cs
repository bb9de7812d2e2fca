using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Models;
using VaeAnomaly.Persistence;

namespace VaeAnomaly.Tests.Persistence;

/// <summary>A bundle is never written that the tool could not read back: its model.json stays within the 4 MiB the reader takes.</summary>
public sealed class ManifestSizeTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void WriteManifest_LargerThanTheReaderTakes_RefusedAndNothingWritten()
    {
        // Given: a manifest of 600,000 numbers, more than 4 MiB of JSON
        var manifest = new { FormatVersion = BundleManifest.CurrentFormatVersion, Model = "x", Values = Enumerable.Range(0, 600_000).Select(i => i + 0.123456789).ToArray() };

        // When
        var e = Assert.Throws<ArgumentException>(() => DetectorBundle.WriteManifest(manifest, dir.Path));

        // Then
        Assert.Contains("could not be loaded again", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File(DetectorBundle.ManifestFile)));
    }

    [Fact]
    public void WriteManifest_WithinTheLimit_IsReadBack()
    {
        DetectorBundle.WriteManifest(new { FormatVersion = BundleManifest.CurrentFormatVersion, Model = "range" }, dir.Path);

        Assert.Equal("range", DetectorBundle.ModelOf(dir.Path));
    }

    [Theory]
    [InlineData(256, true)]
    [InlineData(257, false)]   // 512 wrote a 7.4 MB model.json that score then refused
    public void GruVaeOptions_Latent_BoundedSoTheCovarianceFitsTheManifest(int latent, bool accepted)
    {
        var options = new GruVaeOptions { Channels = 2, Latent = latent };

        if (accepted)
        {
            options.Validate();
        }
        else
        {
            Assert.Contains("1..256", Assert.Throws<ArgumentException>(options.Validate).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Gaussian_HistoryLargerThanTheManifestTakes_RefusedAtFit()
    {
        // Given: 3,000 rows of 100 columns, 2,100 to train and the rest to validate: a window of 4,096 keeps all 3,000
        // training and validation rows, 300,000 values
        var rows = 3000;
        var channels = Enumerable.Range(0, 100).Select(c => $"c{c}").ToArray();
        SequenceSet Part(int from, int count) => new(channels, [new Sequence("s", [.. Enumerable.Range(from, count).SelectMany(t => channels.Select((_, c) => MathF.Sin(t / (c + 3f))))])]);

        // When
        var e = Assert.Throws<ArgumentException>(() => DetectorRegistry.Create("gaussian", new DetectorSettings { Window = 4096 }).Fit(Part(0, 2100), Part(2100, rows - 2100)));

        // Then: the count, and the defaults (256 rows, 25,600 values) fit
        Assert.Contains("300,000 values, where at most 131,072 fit", e.Message, StringComparison.Ordinal);
        using var fitted = DetectorRegistry.Create("gaussian").Fit(Part(0, 2100), Part(2100, rows - 2100));
        fitted.Save(dir.Path);
        Assert.Equal("gaussian", DetectorBundle.ModelOf(dir.Path));
    }
}
