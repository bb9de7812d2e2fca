namespace VaeAnomaly.Detectors;

/// <summary>A fitted model that judges each row against the same point of earlier periods (<c>seasonal</c>): the period it uses, given or found.</summary>
public interface IComparesPeriods
{
    /// <summary>The period, in rows.</summary>
    int Period { get; }

    /// <summary>How many periods before a row it compares the row with.</summary>
    int Periods { get; }
}
