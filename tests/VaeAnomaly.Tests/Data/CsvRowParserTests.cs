using VaeAnomaly.Data;

namespace VaeAnomaly.Tests.Data;

public sealed class CsvRowParserTests
{
    [Theory]
    [InlineData("4", "5", "4.5", "5")]
    [InlineData("2014-04-01 00:05:00", "2014-04-01 00:10:00", "2014-04-01 00:07:00", "2014-04-01 00:10:00")]
    public void Parse_TimeEarlierThanTheLastAcceptedLine_IsRefusedNamingTheLineAndColumn(string first, string second, string between, string same)
    {
        var parser = new CsvRowParser("s.csv", "timestamp,value", ["value"]);
        Assert.Equal(first, parser.Parse($"{first},1", 2).Timestamp);
        Assert.Equal(second, parser.Parse($"{second},1", 3).Timestamp);

        // Later than the first line, earlier than the last accepted one.
        var e = Assert.Throws<DataFormatException>(() => parser.Parse($"{between},1", 4));
        Assert.Contains("s.csv:4", e.Message);
        Assert.Contains("timestamp", e.Message);
        Assert.Contains($"time '{between}' is earlier than the line before it ('{second}')", e.Message);

        // A refused line is not accepted: the next is compared with the last accepted line, and an equal time passes.
        Assert.Equal(same, parser.Parse($"{same},2", 5).Timestamp);
    }

    [Fact]
    public void Parse_EqualOrLaterTimes_AndTimesThatAreNeitherNumbersNorDates_AreAccepted()
    {
        var numbers = new CsvRowParser("s.csv", "t,v", ["v"]);
        Assert.Equal([1f], numbers.Parse("7,1", 2).Values);
        Assert.Equal([2f], numbers.Parse("7,2", 3).Values);
        Assert.Equal([3f], numbers.Parse("8,3", 4).Values);

        var labels = new CsvRowParser("s.csv", "t,v", ["v"]);
        Assert.Equal("b", labels.Parse("b,1", 2).Timestamp);
        Assert.Equal("a", labels.Parse("a,1", 3).Timestamp);

        var unordered = new CsvRowParser("s.csv", "t,v", ["v"], ordered: false); // the service's: a time column is ignored
        Assert.Equal("9", unordered.Parse("9,1", 2).Timestamp);
        Assert.Equal("3", unordered.Parse("3,1", 3).Timestamp);
    }

    [Theory]
    [InlineData("2014-04-01 00:05:00", "x", "date")]
    [InlineData("2014-04-01 00:05:00", "17", "date")]
    [InlineData("2014-04-01 00:05:00", "", "date")]
    [InlineData("12", "twelve", "number")]
    public void Parse_TimeOfAnotherKindThanTheLinesBefore_IsRefused_SoTimesCannotGoBackwardsBehindIt(string first, string stray, string kind)
    {
        var parser = new CsvRowParser("s.csv", "timestamp,value", ["value"]);
        parser.Parse($"{first},1", 2);

        var e = Assert.Throws<DataFormatException>(() => parser.Parse($"{stray},1", 3));
        Assert.Contains("s.csv:3", e.Message);
        Assert.Contains($"time '{stray}' is not a {kind}; the line before it has the {kind} '{first}'", e.Message);

        // The stray line was not accepted, so a later line is still compared with the first: going backwards is refused.
        var earlier = kind == "date" ? "2014-04-01 00:00:00" : "3";
        Assert.Contains("is earlier than the line before it", Assert.Throws<DataFormatException>(() => parser.Parse($"{earlier},1", 4)).Message);
    }

    [Fact]
    public void Parse_QuotedFields_AreReadAsTheBatchReadersReadThem()
    {
        // A header and rows quoted as pandas' QUOTE_ALL or a spreadsheet writes them; a quoted field may hold the delimiter.
        var parser = new CsvRowParser("s.csv", "\"time\",\"note\",\"value\"", ["value"]);
        var first = parser.Parse("\"1\",\"a, b\",\"0.5\"", 2);
        Assert.Equal("1", first.Timestamp);
        Assert.Equal([0.5f], first.Values);
        var second = parser.Parse("2,\"say \"\"hi\"\"\",-2", 3);
        Assert.Equal("2", second.Timestamp);
        Assert.Equal([-2f], second.Values);

        var e = Assert.Throws<DataFormatException>(() => parser.Parse("3,a\"b,1", 4));
        Assert.Contains("s.csv:4", e.Message);
        Assert.Contains("malformed field", e.Message);
    }

    [Theory]
    [InlineData("1e19")]
    [InlineData("-3e30")]
    [InlineData("1e39")] // beyond a float's range: read as infinity, still a number too large
    public void Parse_ValueBeyondTheBatchReadersBound_IsRefusedNamingTheLineAndColumn(string value)
    {
        var parser = new CsvRowParser("s.csv", "t,v", ["v"]);
        Assert.Equal([1e18f], parser.Parse("1,1e18", 2).Values); // the bound itself is accepted

        var e = Assert.Throws<DataFormatException>(() => parser.Parse($"2,{value}", 3));
        Assert.Contains("s.csv:3", e.Message);
        Assert.Contains("'v'", e.Message);
        Assert.Contains("beyond ±1e18", e.Message);
    }

    [Theory]
    [InlineData("0,25", "field 2 holds '0,25', a number written with a decimal comma; expected a decimal point ('0.25')")]
    [InlineData("abc", "field 2 holds 'abc'; expected a finite number")]
    public void Parse_ANumberThatIsNot_IsRefusedSayingWhatItLooksLike(string value, string expected)
    {
        var parser = new CsvRowParser("s.csv", "t;v", ["v"]);

        var e = Assert.Throws<DataFormatException>(() => parser.Parse($"1;{value}", 2));

        Assert.Equal((2L, "v"), (e.Line!.Value, e.Column));
        Assert.EndsWith(expected, e.Message);
    }
}
