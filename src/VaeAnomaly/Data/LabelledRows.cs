namespace VaeAnomaly.Data;

/// <summary>Checks on a labelled file's 0/1 label column.</summary>
public static class LabelledRows
{
    /// <summary>Refuses labels that are all 0 or all 1: ranking metrics and F1 need both kinds of row.</summary>
    /// <param name="labels">The rows' labels.</param>
    /// <param name="file">The file they were read from.</param>
    /// <param name="column">The label column.</param>
    /// <param name="remedy">What the user can do, ending the message.</param>
    /// <exception cref="DataFormatException">Every label is the same.</exception>
    public static void RequireBoth(IReadOnlyList<bool> labels, string file, string column, string remedy)
    {
        if (labels.All(l => l) || !labels.Contains(true))
        {
            throw new DataFormatException(file, null, column,
                $"labels every row {(labels.Contains(true) ? "1 (anomalous)" : "0 (normal)")}; measuring scores against labels needs anomalous (1) and normal (0) rows: {remedy}");
        }
    }
}
