using VaeAnomaly.Data;

namespace VaeAnomaly.Tests.Data;

/// <summary>Cells that are numbers written another way: said as such, with the number they should be.</summary>
public sealed class MisWrittenNumberTests
{
    [Theory]
    [InlineData("1,5", "a number written with a decimal comma; expected a decimal point ('1.5')")]
    [InlineData("-0,25", "a number written with a decimal comma; expected a decimal point ('-0.25')")]
    [InlineData("1,234.5", "a number written with thousands separators; expected plain digits and a decimal point ('1234.5' if the commas separate thousands)")]
    [InlineData("12,345,678", "a number written with thousands separators; expected plain digits and a decimal point ('12345678' if the commas separate thousands)")]
    [InlineData("1,234", "a number written with thousands separators or a decimal comma; expected plain digits and a decimal point ('1234' if the commas separate thousands)")]
    [InlineData("1.5", null)]
    [InlineData("abc", null)]
    [InlineData("a,b", null)]
    [InlineData("", null)]
    public void MisWritten_KnownCells_SayWhatTheyAre(string cell, string? expected)
    {
        Assert.Equal(expected, GapFilling.MisWritten(cell));
    }

    [Fact]
    public void Read_AThousandsSeparatedColumn_IsRefusedAsSuch_NotAsAColumnToLeaveOut()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("s.csv"), "timestamp,temp,bytes\nt0,1.5,\"1,234.5\"\n");

        var error = Assert.Throws<DataFormatException>(() => SeriesCsvReader.Read(dir.File("s.csv")));

        Assert.EndsWith(":2: column 'bytes': found '1,234.5', a number written with thousands separators; expected plain digits and a decimal point ('1234.5' if the commas separate thousands): export the file with plain numbers", error.Message);
    }
}
