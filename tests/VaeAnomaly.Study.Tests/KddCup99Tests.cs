using VaeAnomaly.Data;

namespace VaeAnomaly.Study.Tests;

public sealed class KddCup99Tests
{
    private static string Line(string protocol, string service, string flag, double srcBytes, string label) =>
        $"0,{protocol},{service},{flag},{srcBytes},5450,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,8,8,0.00,0.00,0.00,0.00,1.00,0.00,0.00,9,9,1.00,0.00,0.11,0.00,0.00,0.00,0.00,0.00,{label}";

    private static IReadOnlyList<TabularRecord> Records(int normal, int attacks) =>
        [.. Enumerable.Range(0, normal).Select(i => new TabularRecord([i], ["tcp"], false, KddCup99.NormalLabel)),
         .. Enumerable.Range(0, attacks).Select(i => new TabularRecord([-1 - i], ["udp"], true, "smurf."))];

    [Fact]
    public void Read_TwoLines_SplitsNumericTextAndLabel()
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("k.csv"), [Line("tcp", "http", "SF", 181, "normal."), Line("icmp", "ecr_i", "SF", 1032, "smurf.")]);

        var records = KddCup99.Read(dir.File("k.csv"));

        Assert.Equal(2, records.Count);
        Assert.Equal(38, records[0].Numeric.Length);
        Assert.Equal(["tcp", "http", "SF"], records[0].Text);
        Assert.Equal(181f, records[0].Numeric[1]); // duration, then src_bytes
        Assert.False(records[0].IsAnomaly);
        Assert.True(records[1].IsAnomaly);
        Assert.Equal("smurf.", records[1].Type);
        Assert.Equal(38, KddCup99.NumericNames.Count);
        Assert.Equal("src_bytes", KddCup99.NumericNames[1]);
    }

    [Theory]
    [InlineData("0,tcp,http,SF,181,normal.", null, "found 6 fields; expected 41 features and a label")]
    [InlineData("BAD", "src_bytes", "found 'abc'; expected a finite number")]
    public void Read_BadLine_NamesLineAndColumn(string second, string? column, string expected)
    {
        using var dir = new TempDirectory();
        var bad = second == "BAD" ? Line("tcp", "http", "SF", 0, "normal.").Replace(",0,5450,", ",abc,5450,", StringComparison.Ordinal) : second;
        File.WriteAllLines(dir.File("k.csv"), [Line("tcp", "http", "SF", 181, "normal."), bad]);

        var error = Assert.Throws<DataFormatException>(() => KddCup99.Read(dir.File("k.csv")));

        Assert.Equal(2, error.Line);
        Assert.Equal(column, error.Column);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Split_SA_SixtyTwentyTwentyNormalsAndTheDrawnAttacksInTestOnly()
    {
        var records = Records(normal: 1000, attacks: 50);

        var (train, validation, test) = KddCup99.Split(records, KddSubset.SA, seed: 1);
        var again = KddCup99.Split(records, KddSubset.SA, seed: 1);

        Assert.Equal(600, train.Count);
        Assert.Equal(200, validation.Count);
        Assert.Equal(200 + KddCup99.SaAttacks, test.Count);
        Assert.All(train.Concat(validation), r => Assert.False(r.IsAnomaly));
        Assert.Equal(KddCup99.SaAttacks, test.Count(r => r.IsAnomaly));
        Assert.Equal(1000, train.Concat(validation).Concat(test.Where(r => !r.IsAnomaly)).Select(r => r.Numeric[0]).Distinct().Count());
        Assert.Equal(test.Select(r => r.Numeric[0]), again.Test.Select(r => r.Numeric[0]));
    }

    [Fact]
    public void Split_Full_KeepsEveryAttackOnce()
    {
        var (_, _, test) = KddCup99.Split(Records(normal: 100, attacks: 7), KddSubset.Full, seed: 1);

        Assert.Equal(Enumerable.Range(0, 7).Select(i => -1f - i).Order(), test.Where(r => r.IsAnomaly).Select(r => r.Numeric[0]).Order());
    }

    [Fact]
    public void TabularEncoder_FitOnTrain_ZScoresNumbersAndOneHotsTextSeenInTraining()
    {
        // Given: numeric x = 1, 3 (mean 2, std 1) and a constant y; text values a, b in training.
        TabularRecord R(float x, float y, string t) => new([x, y], [t], false, "normal.");
        var encoder = TabularEncoder.Fit([R(1, 5, "b"), R(3, 5, "a")], ["x", "y"], ["t"]);

        // When
        var seen = encoder.Encode(R(4, 7, "b"));
        var unseen = encoder.Encode(R(2, 5, "zzz"));

        // Then
        Assert.Equal(["x", "y", "t=a", "t=b"], encoder.Columns);
        Assert.Equal([2f, 2f, 0f, 1f], seen); // (4-2)/1; constant y keeps std 1: 7-5
        Assert.Equal([0f, 0f, 0f, 0f], unseen);
    }
}
