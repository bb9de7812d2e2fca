namespace VaeAnomaly.Detectors;

/// <summary>The watched columns (<see cref="DetectorSettings.TargetColumns"/>) of any model: checked once, here.</summary>
internal static class WatchedColumns
{
    /// <summary>The indices of <paramref name="targets"/> among <paramref name="channels"/>.</summary>
    /// <param name="channels">The model's columns.</param>
    /// <param name="targets">The columns to watch.</param>
    /// <exception cref="ArgumentException">None, one that is not a column, or one named twice.</exception>
    public static int[] Indices(IReadOnlyList<string> channels, IReadOnlyList<string> targets)
    {
        if (targets.Count == 0)
        {
            throw new ArgumentException("The watched columns are empty; name at least one, or leave them out to watch all.");
        }

        if (targets.FirstOrDefault(t => !channels.Contains(t)) is { } missing)
        {
            throw new ArgumentException($"The watched column '{IO.Messages.Cut(missing)}' is not among the data's columns [{IO.Messages.List(channels)}].");
        }

        if (targets.Distinct().Count() != targets.Count)
        {
            throw new ArgumentException($"The watched columns [{IO.Messages.List(targets)}] name a column twice.");
        }

        return [.. targets.Select(t => channels.ToList().IndexOf(t))];
    }
}
