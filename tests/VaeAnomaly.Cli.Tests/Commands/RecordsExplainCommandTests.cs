using System.Globalization;
using System.Text;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary>Records explained: <c>score --explain</c> and <c>--top</c> name the CSV columns behind a record's score.</summary>
[Collection(TorchCollection.Name)]
public sealed class RecordsExplainCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>A dense autoencoder of 300 records where duration is about bytes / 100 and proto is tcp or udp.</summary>
    private async Task<string> Bundle()
    {
        var text = new StringBuilder("bytes,duration,proto\n");
        var random = new Random(7);
        for (var i = 0; i < 300; i++)
        {
            var bytes = 500 + random.Next(1000);
            text.Append(CultureInfo.InvariantCulture, $"{bytes},{(bytes / 100.0) + random.NextDouble():F3},{(i % 3 == 0 ? "udp" : "tcp")}\n");
        }

        File.WriteAllText(dir.File("normal.csv"), text.ToString());
        var (exit, output) = await CliRunner.RunAsync("train", "--records", "--data", dir.File("normal.csv"), "--model", "dense-ae", "--seed", "1", "--out", dir.File("b"));
        Assert.True(exit == 0, output);
        return dir.File("b");
    }

    [Fact]
    public async Task Explain_FlaggedRecords_NameTheColumnThatIsOff_TextColumnsAsOne_AndTopSaysTheSame()
    {
        // Given: a usual record; one whose bytes are far out; one whose duration breaks its relation to bytes; one of a
        // protocol training never saw, its numbers usual
        var bundle = await Bundle();
        File.WriteAllText(dir.File("today.csv"), "proto,duration,bytes\ntcp,8.1,760\ntcp,7.7,99000\nudp,40,600\nicmp,6.4,600\n");

        // When
        var (exit, text) = await CliRunner.RunAsync("score", "--bundle", bundle, "--data", dir.File("today.csv"), "--explain", "--top", "4", "--out", dir.File("s.csv"));

        // Then: the flagged rows name bytes and duration first, the usual row nothing; every name is a CSV column (proto's
        // one-hot inputs gathered under its own name), and the unseen protocol's row is led by proto in the top table
        Assert.True(exit == 0, text);
        var rows = File.ReadAllLines(dir.File("s.csv"));
        Assert.Equal("line,score,threshold,flag,columns", rows[0]);
        var cells = rows.Skip(1).Select(r => r.Split(',')).ToArray();
        Assert.Equal(("0", ""), (cells[0][3], cells[0][4]));
        Assert.Equal("1", cells[1][3]);
        Assert.StartsWith("bytes=", cells[1][4], StringComparison.Ordinal);
        Assert.True(double.Parse(cells[1][4].Split(';')[0]["bytes=".Length..], CultureInfo.InvariantCulture) > 0.5, cells[1][4]); // the others' errors grow too, from so far-out an input
        Assert.Equal("1", cells[2][3]);
        Assert.StartsWith("duration=", cells[2][4], StringComparison.Ordinal);
        Assert.All(cells.Where(c => c[3] == "1").SelectMany(c => c[4].Split(';')), pair => Assert.Contains(pair.Split('=')[0], new[] { "bytes", "duration", "proto" }));
        Assert.All(cells.Where(c => c[3] == "1"), c => Assert.Equal(1.0, c[4].Split(';').Sum(p => double.Parse(p.Split('=')[1], CultureInfo.InvariantCulture)), 2));
        var collapsed = CliRunner.Collapse(text);
        Assert.Contains("strongest columns (share of the score)", collapsed);
        Assert.Matches(@"│ 3 │ [^│]+ │ yes │ bytes \d+ %, ", collapsed);
        Assert.Matches(@"│ 5 │ [^│]+ │ (yes|no) │ proto \d+ %", collapsed);
    }

    [Fact]
    public async Task Evaluate_LabelledRecords_TheReportNamesEachTopRecordsStrongestColumns()
    {
        // Given: ten usual records and two attacks, one with far-out bytes (line 12), one whose duration breaks its relation to bytes (line 13)
        var bundle = await Bundle();
        var text = new StringBuilder("bytes,duration,proto,label\n");
        for (var i = 0; i < 10; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{600 + (80 * i)},{6.5 + (0.8 * i):F2},tcp,normal\n");
        }

        text.Append("99000,7.7,tcp,flood\n600,40,udp,slow\n");
        File.WriteAllText(dir.File("labelled.csv"), text.ToString());

        // When
        var (exit, output) = await CliRunner.RunAsync("evaluate", "--bundle", bundle, "--data", dir.File("labelled.csv"), "--label-column", "label", "--out", dir.File("eval"));

        // Then: the two attacks top the table, each with the column that is off first
        Assert.True(exit == 0, output);
        var html = File.ReadAllText(dir.File("eval/report.html"));
        Assert.Contains("<th>strongest columns (share of the score)</th>", html);
        Assert.Matches(@"<tr><td>12</td><td>[^<]+</td><td>(<span class=""flag"">yes</span>|no)</td><td>flood</td><td>bytes \d+ %", html);
        Assert.Matches(@"<tr><td>13</td><td>[^<]+</td><td>(<span class=""flag"">yes</span>|no)</td><td>slow</td><td>duration \d+ %", html);
    }
}
