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
}
