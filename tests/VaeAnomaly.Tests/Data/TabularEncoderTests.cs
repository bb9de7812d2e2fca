using VaeAnomaly.Data;

namespace VaeAnomaly.Tests.Data;

public sealed class TabularEncoderTests
{
    /// <summary>One numeric column and <paramref name="texts"/> text columns of 1,000 values each.</summary>
    private static TabularEncoder Wide(int texts) => new(
        ["x"],
        [.. Enumerable.Range(0, texts).Select(t => $"k{t}")],
        [0.0],
        [1.0],
        [.. Enumerable.Range(0, texts).Select(_ => (IReadOnlyList<string>)[.. Enumerable.Range(0, 1000).Select(v => $"v{v:D4}")])]);

    [Fact]
    public void Fit_TextColumnsOnly_EncodesOneHot()
    {
        // Given: records with no numeric column (fitting failed here: the numbers' scaler was fitted on a set of no channels)
        var records = new[] { ("tcp", "http"), ("udp", "dns"), ("tcp", "dns") }.Select(r => new TabularRecord([], [r.Item1, r.Item2], false, SequenceLabel.Normal)).ToArray();

        // When
        var encoder = TabularEncoder.Fit(records, [], ["proto", "service"]);

        // Then
        Assert.Equal(["proto=tcp", "proto=udp", "service=dns", "service=http"], encoder.Columns);
        Assert.Equal([1f, 0f, 0f, 1f], encoder.Encode(records[0]));
        Assert.Equal([0f, 1f, 1f, 0f], encoder.Encode(records[1]));
    }

    [Fact]
    public void Width_IsTheCountOfTheColumnNames()
    {
        var encoder = Wide(3);

        Assert.Equal(3001, encoder.Width);
        Assert.Equal(encoder.Columns.Count, encoder.Width);
        Assert.Equal(3001, encoder.Encode(new TabularRecord([2f], ["v0001", "v0999", "unseen"], false, "normal")).Length);
    }

    [Fact]
    public void TooLarge_ThirtyTextColumnsOfAThousandValues_RefusesWhatCannotBeHeld_AndSaysWhy()
    {
        // Given: 30,001 inputs per record; 16,667 records make 500,026,667 values, 16,666 make 499,996,666
        var encoder = Wide(30);

        // When
        var refused = encoder.TooLarge(16_667);

        // Then
        Assert.NotNull(refused);
        Assert.Contains("16,667 records of 30,001 inputs each", refused, StringComparison.Ordinal);
        Assert.Contains("500,026,667 values", refused, StringComparison.Ordinal);
        Assert.Contains("k0 (1,000 values)", refused, StringComparison.Ordinal);
        Assert.Contains("--columns", refused, StringComparison.Ordinal);
        Assert.Null(encoder.TooLarge(16_666));
    }

    [Fact]
    public void ToSequenceSet_TooManyValues_ThrowsBeforeEncoding()
    {
        var encoder = Wide(30);
        var record = new TabularRecord([1f], [.. Enumerable.Repeat("v0001", 30)], false, "normal");

        var e = Assert.Throws<ArgumentException>(() => encoder.ToSequenceSet([.. Enumerable.Repeat(record, 20_000)]));

        Assert.StartsWith("The data has 20,000 records", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TooLarge_NumericColumnsOnly_SaysSoWithoutTextColumns()
    {
        // Given: 10,000 numeric columns; 50,001 records make 500,010,000 values
        var encoder = new TabularEncoder([.. Enumerable.Range(0, 10_000).Select(c => $"x{c}")], [], new double[10_000], [.. Enumerable.Repeat(1.0, 10_000)], []);

        var refused = encoder.TooLarge(50_001);

        Assert.NotNull(refused);
        Assert.Contains("50,001 records of 10,000 inputs each (one per numeric column), 500,010,000 values", refused, StringComparison.Ordinal);
        Assert.Contains("leave columns out with --columns", refused, StringComparison.Ordinal);
        Assert.Null(encoder.TooLarge(50_000));
    }

    private static TabularRecord Numbers(params float[] values) => new(values, [], false, SequenceLabel.Normal);

    /// <summary>The population mean and the standardised values of <paramref name="values"/>, computed here, independently of the encoder.</summary>
    private static double[] Z(double[] values)
    {
        var mean = values.Average();
        var std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
        return [.. values.Select(v => (v - mean) / std)];
    }

    private static double Cov(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Average();

    [Fact]
    public void Fit_Gaps_ScalesByTheValuesPresentAndEncodesAGapAsTheMean()
    {
        var encoder = TabularEncoder.Fit([Numbers(1, 5), Numbers(float.NaN, 5), Numbers(3, 5)], ["a", "b"], []);

        Assert.Equal([2.0, 5.0], encoder.Mean);
        Assert.Equal([1.0, 1.0], encoder.Std); // 1, 3: population std 1; b constant: 1
        Assert.Equal([0f, 0f], encoder.Encode(Numbers(float.NaN, 5)));
    }

    [Fact]
    public void Conditional_OneFeaturePresent_KnownAnswer()
    {
        // Given: two features that move together, not exactly
        double[] a = [1, 2, 3, 4, 5], b = [2, 3, 5, 6, 9];
        var encoder = TabularEncoder.Fit([.. a.Zip(b, (x, y) => Numbers((float)x, (float)y))], ["a", "b"], []);

        // When: b is missing where a is 4.5
        var encoded = encoder.Encode(Numbers(4.5f, float.NaN), MissingValues.Conditional);

        // Then: b's z-score is cov(a, b) / (var(a) + ridge) times a's, with the covariance of the standardised values
        var (za, zb) = (Z(a), Z(b));
        var zNew = (4.5 - a.Average()) / Math.Sqrt(a.Sum(v => (v - a.Average()) * (v - a.Average())) / a.Length);
        Assert.Equal(zNew, encoded[0], 5);
        Assert.Equal(Cov(za, zb) / (Cov(za, za) + TabularEncoder.Ridge) * zNew, encoded[1], 5);
        Assert.Equal([(float)zNew, 0f], encoder.Encode(Numbers(4.5f, float.NaN), MissingValues.Mean));
    }

    [Fact]
    public void Conditional_TwoFeaturesPresent_KnownAnswerByCramersRule()
    {
        // Given: three features; c is missing and predicted from a and b
        double[] a = [1, 2, 3, 4, 5, 6], b = [3, 1, 4, 1, 5, 9], c = [4, 3, 7, 5, 10, 15];
        var records = Enumerable.Range(0, a.Length).Select(i => Numbers((float)a[i], (float)b[i], (float)c[i])).ToArray();
        var encoder = TabularEncoder.Fit(records, ["a", "b", "c"], []);

        // When
        var set = encoder.ToSequenceSet([Numbers(2.5f, 6f, float.NaN)], MissingValues.Conditional);

        // Then: the 2 x 2 system (S_pp + ridge I) w = S_pc solved by Cramer's rule, and c = w . z_p
        var (za, zb, zc) = (Z(a), Z(b), Z(c));
        var (s11, s12, s22) = (Cov(za, za) + TabularEncoder.Ridge, Cov(za, zb), Cov(zb, zb) + TabularEncoder.Ridge);
        var (t1, t2) = (Cov(za, zc), Cov(zb, zc));
        var det = (s11 * s22) - (s12 * s12);
        var (w1, w2) = (((t1 * s22) - (s12 * t2)) / det, ((s11 * t2) - (s12 * t1)) / det);
        var values = set.Sequences[0].Values;
        Assert.Equal((w1 * values[0]) + (w2 * values[1]), values[2], 5);
    }

    [Fact]
    public void Conditional_WithoutCovariance_SaysWhatToDo()
    {
        // An encoder saved before the covariance was kept
        var encoder = TabularEncoder.Fit([Numbers(1, 2), Numbers(3, 5)], ["a", "b"], []) with { Covariance = null };

        var error = Assert.Throws<ArgumentException>(() => encoder.Encode(Numbers(1, float.NaN), MissingValues.Conditional));

        Assert.Contains("--missing mean or drop", error.Message);
        Assert.Equal([-1f, 0f], encoder.Encode(Numbers(1, float.NaN), MissingValues.Mean));
    }

    [Fact]
    public void Fit_ManyNumberColumns_KeepsNoCovariance()
    {
        var width = TabularEncoder.MaxCovariance + 1;
        var records = Enumerable.Range(0, 3).Select(r => Numbers([.. Enumerable.Range(0, width).Select(j => (float)(r * j))])).ToArray();

        Assert.Null(TabularEncoder.Fit(records, [.. Enumerable.Range(0, width).Select(j => $"n{j}")], []).Covariance);
        Assert.NotNull(TabularEncoder.Fit([.. records.Select(r => Numbers(r.Numeric[..^1]))], [.. Enumerable.Range(0, width - 1).Select(j => $"n{j}")], []).Covariance);
    }
}
