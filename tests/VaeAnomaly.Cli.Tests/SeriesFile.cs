using System.Text;

namespace VaeAnomaly.Cli.Tests;

/// <summary>Writes small series CSV files for the command tests.</summary>
internal static class SeriesFile
{
    /// <summary>Writes <paramref name="header"/> and one line per time step from <paramref name="row"/>, creating the folder.</summary>
    /// <param name="path">The file.</param>
    /// <param name="header">The header line.</param>
    /// <param name="rows">Time steps.</param>
    /// <param name="row">The line of step t, without its line break.</param>
    public static string Write(string path, string header, int rows, Func<int, string> row)
    {
        var csv = new StringBuilder(header).Append('\n');
        for (var t = 0; t < rows; t++)
        {
            csv.Append(row(t)).Append('\n');
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, csv.ToString());
        return path;
    }
}
