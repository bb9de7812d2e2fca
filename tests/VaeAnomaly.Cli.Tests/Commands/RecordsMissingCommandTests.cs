using System.Globalization;
using System.Text;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary>Records with gaps: refused by default, filled with <c>--missing conditional</c> or <c>mean</c>, or left out with <c>drop</c>.</summary>
[Collection(TorchCollection.Name)]
public sealed class RecordsMissingCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>300 records where duration is about bytes / 100, with a gap in each column written three ways (lines 12, 22, 32).</summary>
    private string Normal()
    {
        var text = new StringBuilder("bytes,duration,proto\n");
        var random = new Random(7);
        for (var i = 0; i < 300; i++)
        {
            var bytes = 500 + random.Next(1000);
            var duration = ((bytes / 100.0) + random.NextDouble()).ToString("F3", CultureInfo.InvariantCulture);
            var (b, d) = i switch { 10 => ("NA", duration), 20 => (bytes.ToString(CultureInfo.InvariantCulture), ""), 30 => ("NaN", duration), _ => (bytes.ToString(CultureInfo.InvariantCulture), duration) };
            text.Append(CultureInfo.InvariantCulture, $"{b},{d},{(i % 3 == 0 ? "udp" : "tcp")}\n");
        }

        File.WriteAllText(dir.File("normal.csv"), text.ToString());
        return dir.File("normal.csv");
    }

    [Fact]
    public async Task Train_GapsByDefault_AreRefusedNamingTheLineAndTheFills_AndNothingIsWritten()
    {
        var (exit, output) = await CliRunner.RunAsync("train", "--records", "--data", Normal(), "--model", "pca", "--seed", "1", "--out", dir.File("b"));

        Assert.Equal(1, exit);
        Assert.Contains($"{dir.File("normal.csv")}:12: column 'bytes': found 'NA', a missing value; expected a number", CliRunner.Collapse(output));
        Assert.Contains("--missing conditional", CliRunner.Collapse(output));
        Assert.False(Directory.Exists(dir.File("b")));
    }

    [Fact]
    public async Task Score_UsualRecordsWithAGap_StayUnflaggedWhenTheGapIsPredicted_WhereTheMeanFlagsThem()
    {
        // Given: a bundle trained with the gaps predicted, and records: two usual ones with a gap each, far from the mean so
        // that the column's plain mean contradicts the other number; one whose duration breaks its relation to bytes; one
        // far out in the number it has
        var (trained, output) = await CliRunner.RunAsync("train", "--records", "--data", Normal(), "--model", "pca", "--seed", "1", "--missing", "conditional", "--out", dir.File("b"));
        Assert.True(trained == 0, output);
        Assert.Contains("Missing values: 3 gaps filled with what each record's other numbers lead one to expect", CliRunner.Collapse(output));
        File.WriteAllText(dir.File("today.csv"), "bytes,duration,proto\n1450,,tcp\nNA,5.6,udp\n600,40,tcp\n99000,null,tcp\n");

        // When
        async Task<string[]> Flags(string missing)
        {
            var (exit, text) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", dir.File("today.csv"), "--missing", missing, "--out", dir.File($"{missing}.csv"));
            Assert.True(exit == 0, text);
            Assert.Contains(missing == "drop" ? "Missing values: 3 records with a gap left out." : "Missing values: 3 gaps filled", CliRunner.Collapse(text));
            return [.. File.ReadAllLines(dir.File($"{missing}.csv")).Skip(1).Select(r => $"{r.Split(',')[0]}:{r.Split(',')[3]}")];
        }

        var predicted = await Flags("conditional");
        var mean = await Flags("mean");
        var dropped = await Flags("drop");

        // Then: lines 2 and 3 are usual with the gap predicted, and flagged with the mean; 4 and 5 are flagged either way
        Assert.Equal(["2:0", "3:0", "4:1", "5:1"], predicted);
        Assert.Equal(["2:1", "3:1", "4:1", "5:1"], mean);
        Assert.Equal(["4:1"], dropped);
    }

    [Fact]
    public async Task Missing_WhereItCannotApply_IsRefusedWithWhatDoes()
    {
        // Given: a records file, and a series file
        File.WriteAllText(dir.File("series.csv"), "timestamp,v\n1,1\n2,\n3,3\n");

        // When
        var (records, recordsText) = await CliRunner.RunAsync("train", "--records", "--data", Normal(), "--model", "pca", "--missing", "interpolate", "--out", dir.File("r"));
        var (series, seriesText) = await CliRunner.RunAsync("train", "--data", dir.File("series.csv"), "--missing", "mean", "--out", dir.File("s"));
        var wide = dir.File("wide.csv");
        File.WriteAllLines(wide, [string.Join(',', Enumerable.Range(0, 101).Select(j => $"n{j}")), .. Enumerable.Range(0, 30).Select(i => string.Join(',', Enumerable.Range(0, 101).Select(j => i == 3 && j == 0 ? "" : ((i * j) % 13).ToString(CultureInfo.InvariantCulture))))]);
        var (wideExit, wideText) = await CliRunner.RunAsync("train", "--records", "--data", wide, "--model", "pca", "--missing", "conditional", "--out", dir.File("w"));
        var (follow, followText) = await CliRunner.RunAsync("score", "--bundle", dir.File("none"), "--data", dir.File("series.csv"), "--follow", "--missing", "interpolate", "--out", dir.File("f.csv"));

        // Then
        Assert.Equal((1, 1, 1, 1), (records, series, follow, wideExit));
        Assert.Contains("from the covariance of at most 100 number columns, and", CliRunner.Collapse(wideText));
        Assert.Contains("records have no order", CliRunner.Collapse(recordsText));
        Assert.Contains("use --missing interpolate or ffill", CliRunner.Collapse(seriesText));
        Assert.Contains("--missing interpolate does not apply to a followed stream: it cannot wait for the row after a gap. --missing ffill", CliRunner.Collapse(followText));
        Assert.False(Directory.Exists(dir.File("r")) || Directory.Exists(dir.File("s")) || Directory.Exists(dir.File("w")) || File.Exists(dir.File("f.csv")));
    }
}
