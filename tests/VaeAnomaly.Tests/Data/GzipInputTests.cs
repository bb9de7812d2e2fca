using System.Globalization;
using System.IO.Compression;
using System.Text;
using VaeAnomaly.Data;

namespace VaeAnomaly.Tests.Data;

/// <summary>
/// A .csv.gz cut off by an interrupted copy or download, or damaged, is refused naming the file; a whole one, and one
/// of several members (concatenated .gz files), reads as its text. Before, a cut-off file read as the rows before the
/// cut, the last one perhaps cut short, without a word.
/// </summary>
public sealed class GzipInputTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static string Series(int rows, int from = 0) =>
        "timestamp,v0,v1\n" + string.Concat(Enumerable.Range(from, rows).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t},{Math.Sin(t / 9.0):F6},{Math.Cos(t / 13.0):F6}\n")));

    private static byte[] Gzip(string text)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return compressed.ToArray();
    }

    private string Write(string name, byte[] bytes)
    {
        File.WriteAllBytes(dir.File(name), bytes);
        return dir.File(name);
    }

    private static string Text(string path)
    {
        using var reader = TextInput.Open(path);
        return reader.ReadToEnd();
    }

    [Fact]
    public void Open_WholeFileAndSeveralMembers_ReadAsTheirText()
    {
        var first = Series(3000);
        var second = Series(500, from: 3000)[(first.IndexOf('\n', StringComparison.Ordinal) + 1)..]; // rows only

        Assert.Equal(first, Text(Write("whole.csv.gz", Gzip(first))));
        Assert.Equal(first + second, Text(Write("two.csv.gz", [.. Gzip(first), .. Gzip(second)])));
        Assert.Equal(first, Text(Write("empty-last.csv.gz", [.. Gzip(first), .. Gzip("")]))); // as bgzip ends a file
        Assert.Equal(3000, SeriesCsvReader.Read(dir.File("whole.csv.gz")).Length);
    }

    [Fact]
    public void Open_FileCutOffAnywhere_IsRefusedNamingTheFile()
    {
        // Given: a whole file and its cuts every 997 bytes, the trailer's eight bytes and one byte short included
        var bytes = Gzip(Series(3000));
        var cuts = Enumerable.Range(1, (bytes.Length - 1) / 997).Select(k => k * 997).Concat([bytes.Length - 8, bytes.Length - 1]).ToArray();
        Assert.True(cuts.Length > 20, $"{bytes.Length} bytes give too few cuts");

        foreach (var cut in cuts)
        {
            var path = Write("cut.csv.gz", bytes[..cut]);

            // When / Then: the text reader and the series reader both refuse it; no prefix of the rows is taken for the file
            var e = Assert.Throws<DataFormatException>(() => Text(path));
            Assert.Equal(path, e.File);
            Assert.Contains("is a gzip file, but it ends before its data do", e.Message);
            Assert.Contains("ends before its data do", Assert.Throws<DataFormatException>(() => SeriesCsvReader.Read(path)).Message);
        }
    }

    [Fact]
    public void Open_LastMemberCutOffOrTrailerChanged_IsRefused()
    {
        var first = Gzip(Series(3000));
        var second = Gzip(Series(500, from: 3000));
        var cutLast = Write("cut-last.csv.gz", [.. first, .. second[..(second.Length / 2)]]);

        var changed = first.ToArray();
        changed[^6] ^= 0x5A; // a byte of the recorded CRC-32: the decompressor's own check fails
        var damaged = Write("damaged.csv.gz", changed);

        Assert.Contains("ends before its data do", Assert.Throws<DataFormatException>(() => Text(cutLast)).Message);
        var e = Assert.Throws<DataFormatException>(() => Text(damaged));
        Assert.Equal(damaged, e.File);
        Assert.Contains("is a gzip file, but its compressed data are damaged", e.Message);
    }
}
