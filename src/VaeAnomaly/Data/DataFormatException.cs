namespace VaeAnomaly.Data;

/// <summary>Input data that cannot be used, with the place it was found.</summary>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates the error; the message reads <c>FILE:LINE: column COLUMN: PROBLEM</c>.</summary>
    /// <param name="file">The file's path.</param>
    /// <param name="line">1-based line (header counted), or null when the whole file is at fault.</param>
    /// <param name="column">The column's name, or null.</param>
    /// <param name="problem">What was found and what was expected.</param>
    public DataFormatException(string file, long? line, string? column, string problem)
        : base(Format(file, line, column, problem))
    {
        File = file;
        Line = line;
        Column = column;
        Problem = problem;
    }

    /// <summary>The file's path.</summary>
    public string File { get; }

    /// <summary>1-based line, header counted; null when the whole file is at fault.</summary>
    public long? Line { get; }

    /// <summary>The column's name, or null.</summary>
    public string? Column { get; }

    /// <summary>What was found and what was expected.</summary>
    public string Problem { get; }

    /// <summary>
    /// The message, of bounded length whatever the input: a column name taken from the file is cut, and so is a problem
    /// that quotes a huge cell or id (the cuts say how long the text was).
    /// </summary>
    private static string Format(string file, long? line, string? column, string problem) =>
        file + (line is null ? "" : $":{line}") + (column is null ? "" : $": column '{IO.Messages.Cut(column)}'") + ": " + IO.Messages.Cut(problem, 1_000);
}
