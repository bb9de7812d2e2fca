using System.Globalization;
using System.Text.RegularExpressions;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary><c>train --data a.csv b.csv</c>: one model from several series files, each split on its own, no window across two.</summary>
[Collection(TorchCollection.Name)]
public sealed class MultiFileTrainingTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private string Write(string name, string header, IEnumerable<string> rows)
    {
        File.WriteAllText(dir.File(name), header + "\n" + string.Join("\n", rows) + "\n");
        return dir.File(name);
    }

    private static float[] Scores(string file) =>
        [.. File.ReadAllLines(file).Skip(1).Select(l => float.Parse(l.Split(',')[1], CultureInfo.InvariantCulture))];

    private static string Flat(string text) => Regex.Replace(text, @"\s+", " ");

    private static bool[] Flags(string file) => [.. File.ReadAllLines(file).Skip(1).Select(l => l.Split(',')[3] == "1")];

    [Fact]
    public async Task Range_TwoFilesWithTheirColumnsInAnotherOrder_LearnsEachColumnsRangeOverBothTrainingParts()
    {
        // Given: a in 0..1 and b in 100..101 in the first file; the second names b first, with b in 100..102 and a in 0..3.
        // Each file's last 20% validates (--split 80/20/0), so the training parts hold rows 0-79 of each.
        var first = Write("day1.csv", "t,a,b", Enumerable.Range(0, 100).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t},{t % 80 / 79.0},{100 + (t % 80 / 79.0)}")));
        var second = Write("day2.csv", "t,b,a", Enumerable.Range(0, 100).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t},{100 + (2 * (t % 80) / 79.0)},{3 * (t % 80) / 79.0}")));
        var test = Write("test.csv", "t,a,b", ["0,3,102", "1,4,101", "2,1.5,104", "3,-3,101"]);

        // When
        var (exit, text) = await CliRunner.RunAsync("train", "--model", "range", "--data", first, second, "--split", "80/20/0", "--out", dir.File("bundle"));
        var (scoreExit, scoreText) = await CliRunner.RunAsync("score", "--model", dir.File("bundle"), "--data", test, "--out", dir.File("points.csv"));

        // Then: a's range is 0..3 and b's 100..102, over both files' training rows: (3, 102) lies inside; a = 4 is 1/3 of
        // a's range above it; b = 104 is 2/2 of b's range above; a = -3 is 3/3 below. Read in its own order, the second
        // file would have given a the range 0..102.
        Assert.True(exit == 0, text);
        Assert.Contains("Read 2 series files: 160 training and 40 validation rows (each file split 80/20/0), 2 channels (a, b).", text);
        Assert.True(scoreExit == 0, scoreText);
        var scores = Scores(dir.File("points.csv"));
        Assert.Equal(0, scores[0], 4);
        Assert.Equal(1 / 3.0, scores[1], 4);
        Assert.Equal(1, scores[2], 4);
        Assert.Equal(1, scores[3], 4);
    }

    [Fact]
    public async Task Knn_TwoFilesAtTwoLevels_LearnsNoWindowAcrossTheirJoin_SoAJumpBetweenTheLevelsIsFlagged()
    {
        // Given: one file at 0 throughout and one at 10; had the files been joined end to end, the training windows would
        // hold the jump from 0 to 10
        var low = Write("low.csv", "t,v", Enumerable.Range(0, 200).Select(t => $"{t},0"));
        var high = Write("high.csv", "t,v", Enumerable.Range(0, 200).Select(t => $"{t},10"));
        var test = Write("test.csv", "t,v", Enumerable.Range(0, 40).Select(t => $"{t},{(t < 20 ? 0 : 10)}"));

        // When
        var (exit, text) = await CliRunner.RunAsync("train", "--model", "knn", "--window", "4", "--data", low, high, "--split", "70/30/0", "--out", dir.File("bundle"));
        var (scoreExit, scoreText) = await CliRunner.RunAsync("score", "--model", dir.File("bundle"), "--data", test, "--point-score", "last", "--out", dir.File("points.csv"));

        // Then: the windows that end at rows 20-22 hold both levels and are flagged; every other full window matches a
        // training window exactly (a score of 0). Standardised over both files (mean 5, spread 5) the levels are -1 and
        // 1, so [-1, 1, 1, 1] lies a mean squared 4 / 4 = 1 from its nearest training window, [1, 1, 1, 1].
        Assert.True(exit == 0, text);
        Assert.True(scoreExit == 0, scoreText);
        var (scores, flags) = (Scores(dir.File("points.csv")), Flags(dir.File("points.csv")));
        Assert.Equal([20, 21, 22], Enumerable.Range(0, 40).Where(t => flags[t]));
        Assert.Equal(1, scores[22], 3);
        Assert.All(Enumerable.Range(3, 37).Where(t => t is < 20 or > 22), t => Assert.Equal(0, scores[t], 5));
    }

    [Fact]
    public async Task Train_FilesThatCannotBeLearntTogether_AreRefusedNamingTheFile_AndNothingIsWritten()
    {
        // Given
        var first = Write("day1.csv", "t,a,b", Enumerable.Range(0, 100).Select(t => $"{t},{t % 7},{t % 5}"));
        var other = Write("day2.csv", "t,a,c", Enumerable.Range(0, 100).Select(t => $"{t},{t % 7},{t % 5}"));
        Directory.CreateDirectory(dir.File("folder"));
        var second = Write("folder/day3.csv", "t,a,b", Enumerable.Range(0, 100).Select(t => $"{t},{t % 7},{t % 5}"));

        // When
        var columns = await CliRunner.RunAsync("train", "--model", "range", "--data", first, other, "--out", dir.File("b1"));
        var twice = await CliRunner.RunAsync("train", "--model", "range", "--data", first, Path.Combine(dir.File("."), "day1.csv"), "--out", dir.File("b2"));
        var records = await CliRunner.RunAsync("train", "--records", "--model", "pca", "--data", first, first.Replace("day1", "day2", StringComparison.Ordinal), "--out", dir.File("b3"));
        var folder = await CliRunner.RunAsync("train", "--model", "range", "--data", first, dir.File("folder"), "--out", dir.File("b4"));
        var misread = await CliRunner.RunAsync("train", "--model", "range", "--data", first, "--fast", "--out", dir.File("b5"));
        var holds = await CliRunner.RunAsync("train", "--model", "range", "--data", dir.File("folder/../day1.csv"), second, "--out", dir.File("folder"), "--force");

        // Then
        Assert.Equal(1, columns.ExitCode);
        Assert.Contains($"{other}:1: has the value columns [a,c], where the first file, {first}, has [a,b]", Flat(columns.Output), StringComparison.Ordinal);
        Assert.Equal(1, twice.ExitCode);
        Assert.Contains($"--data names the file '{first}' 2 times", Flat(twice.Output), StringComparison.Ordinal);
        Assert.Equal(1, records.ExitCode);
        Assert.Contains("--records reads one file", Flat(records.Output), StringComparison.Ordinal);
        Assert.Equal(1, folder.ExitCode);
        Assert.Contains($"'{dir.File("folder")}' is a folder", Flat(folder.Output), StringComparison.Ordinal);
        Assert.Equal(1, misread.ExitCode);
        Assert.Contains("--data needs a value, but the word after it is '--fast', not a value", Flat(misread.Output), StringComparison.Ordinal);
        Assert.Equal(1, holds.ExitCode);
        Assert.Contains($"holds the input '{second}'", Flat(holds.Output), StringComparison.Ordinal);
        Assert.Equal([second], Directory.EnumerateFiles(dir.File("folder")));
        Assert.Equal(["day1.csv", "day2.csv"], Directory.EnumerateFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal([dir.File("folder")], Directory.EnumerateDirectories(dir.Path));
    }
}
