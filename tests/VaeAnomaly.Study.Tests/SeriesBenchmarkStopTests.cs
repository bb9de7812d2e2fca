using System.Globalization;

namespace VaeAnomaly.Study.Tests;

/// <summary>A stop asked for (Ctrl+C in <c>benchmark series</c>) ends the reading of the pairs and a pair's run instead of letting them finish.</summary>
public sealed class SeriesBenchmarkStopTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("vae-anomaly-stop-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static string Row(int t, bool labelled) => string.Create(CultureInfo.InvariantCulture, $"{t},{Math.Sin(t / 6.0):F4}{(labelled ? $",{(t % 500 == 7 ? 1 : 0)}" : "")}");

    private void WritePair(int rows)
    {
        File.WriteAllLines(Path.Combine(dir, "x.train.csv"), ["t,v", .. Enumerable.Range(0, rows).Select(t => Row(t, false))]);
        File.WriteAllLines(Path.Combine(dir, "x.test.csv"), ["t,v,anomaly", .. Enumerable.Range(0, rows).Select(t => Row(t, true))]);
    }

    [Fact]
    public void Read_StopAsked_ThrowsOnLongFiles_AndReadsThemWithoutOne()
    {
        // Given: files longer than one check's stretch of the reader (4,096 rows)
        WritePair(6000);

        // When / Then
        Assert.ThrowsAny<OperationCanceledException>(() => SeriesBenchmark.Read(dir, new SeriesBenchmarkOptions(), new CancellationToken(canceled: true)));
        Assert.Equal(6000, Assert.Single(SeriesBenchmark.Read(dir, new SeriesBenchmarkOptions())).Test.Length);
    }

    [Theory]
    [InlineData("knn")]
    [InlineData("range")]
    public void Run_StopAsked_Throws(string model)
    {
        WritePair(600);
        var pair = Assert.Single(SeriesBenchmark.Read(dir, new SeriesBenchmarkOptions()));

        Assert.ThrowsAny<OperationCanceledException>(() => SeriesBenchmark.Run(pair, model, new SeriesBenchmarkOptions(), new CancellationToken(canceled: true)));
    }
}
