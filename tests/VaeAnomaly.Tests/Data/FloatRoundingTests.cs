using System.Globalization;
using VaeAnomaly.Data;

namespace VaeAnomaly.Tests.Data;

/// <summary>Columns that 32-bit floats hold only coarsely next to how much they vary, against spreads computed here in double.</summary>
public sealed class FloatRoundingTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static string[] Texts(Func<int, double> value, int n = 2000) =>
        [.. Enumerable.Range(0, n).Select(i => value(i).ToString("F4", CultureInfo.InvariantCulture))];

    [Fact]
    public void Coarse_ALargeValueVaryingLittle_IsReportedWithItsSpreadAndWorstRounding_AnOrdinaryOrConstantColumnIsNot()
    {
        // Given: a counter near 10,000,000 varying by a sine of amplitude 0.5 (floats there are 1 apart), a sine near 0,
        // and a constant that floats cannot hold exactly (10,000,000.3 reads as 10,000,000)
        string[][] columns = [Texts(i => 1e7 + (0.5 * Math.Sin(i / 20.0))), Texts(i => Math.Sin(i / 20.0)), Texts(_ => 1e7 + 0.3)];
        var rounding = new FloatRounding(columns.Length);
        for (var c = 0; c < columns.Length; c++)
        {
            foreach (var text in columns[c])
            {
                rounding.Add(c, text, float.Parse(text, CultureInfo.InvariantCulture));
            }
        }

        // When
        var coarse = rounding.Coarse(["counter", "sine", "constant"]);

        // Then: only the counter; its mean and spread are those of the numbers as written, its worst rounding at most half a float step
        var counter = Assert.Single(coarse);
        var exact = columns[0].Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        var mean = exact.Average();
        var spread = Math.Sqrt(exact.Sum(x => (x - mean) * (x - mean)) / (exact.Length - 1));
        Assert.Equal("counter", counter.Column);
        Assert.Equal(mean, counter.Mean, 1e-6);
        Assert.Equal(spread, counter.Spread, 1e-9);
        Assert.InRange(counter.WorstRounding, 0.4, 0.5);
    }

    [Fact]
    public void Read_SeriesWithAPressureInPascals_ReportsIt()
    {
        // Given: a pressure near 101,325 Pa varying by hundredths (floats there are 0.0078 apart) and a temperature
        var path = dir.File("press.csv");
        File.WriteAllLines(path, ["timestamp,p,t", .. Enumerable.Range(0, 500).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i},{101325 + (0.03 * Math.Sin(i / 9.0)):F3},{20 + Math.Sin(i / 7.0):F3}"))]);

        // When
        var series = SeriesCsvReader.Read(path);

        // Then
        Assert.Equal("p", Assert.Single(series.Rounded).Column);
        Assert.True(Assert.Single(series.Rounded).WorstRounding > FloatRounding.Share * Assert.Single(series.Rounded).Spread);
    }
}
