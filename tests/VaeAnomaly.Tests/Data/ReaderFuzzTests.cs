using System.Text;
using VaeAnomaly.Data;

namespace VaeAnomaly.Tests.Data;

/// <summary>Randomly corrupted variants of valid files end in a correct parse or a <see cref="DataFormatException"/>, never another exception.</summary>
public sealed class ReaderFuzzTests
{
    private const string ValidSequences = "sequence_id,t,a,b\ns1,0,1.5,2\ns1,1,3,4\ns2,0,-1,0.5\ns2,1,2,2\ns2,2,0,1e-3\n";
    private const string ValidSeries = "timestamp;a;b;anomaly\n2020-01-01 00:00:00;1.5;2;0\n2020-01-01 00:00:01;3;4;1\n2020-01-01 00:00:02;0;1;0\n";

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < 300; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Readers_CorruptedFile_ParseOrRaiseDataFormatException(int seed)
    {
        // Given: a valid file with a few random edits: bytes replaced, deleted, duplicated or inserted.
        var rng = new Random(seed);
        using var dir = new TempDirectory();
        var sequences = Corrupt(ValidSequences, rng);
        var series = Corrupt(ValidSeries, rng);
        File.WriteAllText(dir.File("seq.csv"), sequences);
        File.WriteAllText(dir.File("series.csv"), series);

        // When / Then
        AssertParsesOrFailsCleanly(() => SequenceCsvReader.Read(dir.File("seq.csv")));
        AssertParsesOrFailsCleanly(() => SequenceCsvReader.Read(dir.File("seq.csv"), missing: MissingValues.Drop));
        AssertParsesOrFailsCleanly(() => SequenceCsvReader.Read(dir.File("seq.csv"), missing: MissingValues.Interpolate));
        AssertParsesOrFailsCleanly(() => SeriesCsvReader.Read(dir.File("series.csv"), labelColumn: "anomaly"));
        AssertParsesOrFailsCleanly(() => SeriesCsvReader.Read(dir.File("series.csv"), missing: MissingValues.Interpolate));
    }

    private static void AssertParsesOrFailsCleanly(Action read)
    {
        try
        {
            read();
        }
        catch (DataFormatException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Problem));
        }
    }

    private static string Corrupt(string text, Random rng)
    {
        const string alphabet = ",;\t\n\r\"0123456789.-eE NaNinfabc";
        var chars = new StringBuilder(text);
        var edits = rng.Next(1, 6);
        for (var k = 0; k < edits && chars.Length > 0; k++)
        {
            var at = rng.Next(chars.Length);
            switch (rng.Next(4))
            {
                case 0:
                    chars[at] = alphabet[rng.Next(alphabet.Length)];
                    break;
                case 1:
                    chars.Remove(at, 1);
                    break;
                case 2:
                    chars.Insert(at, chars[at]);
                    break;
                default:
                    chars.Insert(at, alphabet[rng.Next(alphabet.Length)]);
                    break;
            }
        }

        return chars.ToString();
    }
}
