using VaeAnomaly.Data;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Reporting;

/// <summary>
/// One input file's part of the scores of several series files (<c>score --data a.csv b.csv</c>): the file as it was
/// named, its series and its point scores, each file scored on its own.
/// </summary>
/// <param name="File">The file as the user named it: the value of the <c>file</c> column.</param>
/// <param name="Series">The file's series.</param>
/// <param name="Scores">One score per row of <paramref name="Series"/>.</param>
/// <param name="Explain">The columns behind a row's score, or null for a model that does not name them.</param>
public sealed record ScoredFile(string File, Series Series, IReadOnlyList<float> Scores, Func<int, Attribution?>? Explain);
