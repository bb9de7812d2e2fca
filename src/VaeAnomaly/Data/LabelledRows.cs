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

    /// <summary>
    /// Refuses labels that are all 1, and only those: a file without anomalies still measures false alarms (the share of
    /// its normal rows flagged), a file without normal rows measures nothing a benchmark can set beside the others.
    /// </summary>
    /// <param name="labels">The rows' labels.</param>
    /// <param name="file">The file they were read from.</param>
    /// <param name="column">The label column.</param>
    /// <param name="remedy">What the user can do, ending the message.</param>
    /// <exception cref="DataFormatException">Every label is 1.</exception>
    public static void RequireNormal(IReadOnlyList<bool> labels, string file, string column, string remedy)
    {
        if (!labels.Contains(false))
        {
            throw new DataFormatException(file, null, column, $"labels every row 1 (anomalous); measuring scores against labels needs normal (0) rows: {remedy}");
        }
    }
}
