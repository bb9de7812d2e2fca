using VaeAnomaly.Data;

namespace VaeAnomaly.Detectors;

/// <summary>
/// What a detector that judges a row by the rows before it (<c>gaussian</c>, <c>seasonal</c>) is fitted from: each
/// validation part with the training rows it follows, the rows a later series starts from, and each watched column's
/// smallest deviation. Where the data are several series, each split in time (each k-th validation sequence
/// <see cref="Sequence.Continues"/> the k-th training sequence, as <c>train --data a.csv b.csv</c> gives them), each
/// validation part follows its own series' training rows and no other's; otherwise the validation data follow the
/// training rows as a whole.
/// </summary>
/// <param name="Parts">Each validation part: the training sequence it follows (the first, when they are one stretch), how many training rows that is, and their last rows, at most the number kept (watched columns, row-major).</param>
/// <param name="Kept">The last part's last training and validation rows, at most the number kept: what a later series starts from.</param>
/// <param name="Floor">Each watched column's smallest deviation, from every training row (<see cref="GaussianDetector.Floor"/>).</param>
internal sealed record CarriedRows(IReadOnlyList<(string Follows, int Rows, float[] History, SequenceSet Validation)> Parts, float[] Kept, double[] Floor)
{
    /// <summary>The rows of <paramref name="train"/> and <paramref name="validation"/> cut to the watched <paramref name="columns"/>, the last <paramref name="keep"/> of each stretch kept.</summary>
    /// <param name="train">Normal training data.</param>
    /// <param name="validation">Normal validation data.</param>
    /// <param name="columns">The watched columns' indices.</param>
    /// <param name="keep">Rows a row is judged by, at most.</param>
    public static CarriedRows Of(SequenceSet train, SequenceSet validation, int[] columns, int keep)
    {
        float[][] Rows(IEnumerable<Sequence> sequences) =>
            [.. sequences.SelectMany(s => Enumerable.Range(0, s.Values.Length / train.Channels).Select(t => columns.Select(j => s.Values[(t * train.Channels) + j]).ToArray()))];
        float[] Last(float[][] rows) => [.. rows.TakeLast(keep).SelectMany(r => r)];

        var several = train.Count > 1 && train.Count == validation.Count && Enumerable.Range(0, train.Count).All(k => Sequence.Continues(train.Sequences[k], validation.Sequences[k]));
        IReadOnlyList<(IReadOnlyList<Sequence> Train, SequenceSet Validation)> continuations = several
            ? [.. Enumerable.Range(0, train.Count).Select(k => ((IReadOnlyList<Sequence>)[train.Sequences[k]], validation.Subset([k])))]
            : [(train.Sequences, validation)];
        var parts = continuations.Select(p => (p.Train[0].Id, Rows(p.Train), p.Validation)).ToArray();
        var all = Rows(train.Sequences);
        return new CarriedRows(
            [.. parts.Select(p => (p.Id, p.Item2.Length, Last(p.Item2), p.Validation))],
            Last([.. parts[^1].Item2, .. Rows(parts[^1].Validation.Sequences)]),
            [.. columns.Select((_, k) => GaussianDetector.Floor(all.Select(r => (double)r[k])))]);
    }
}
