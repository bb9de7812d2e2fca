using System.Globalization;
using CsvHelper;
using VaeAnomaly.Training;

namespace VaeAnomaly.Reporting;

/// <summary>Writes training history, one row per epoch.</summary>
public static class HistoryCsv
{
    /// <summary>Writes <c>epoch,train_reconstruction,...,seconds,best</c>.</summary>
    /// <param name="history">Per-epoch reports.</param>
    /// <param name="path">Destination file.</param>
    public static void Write(IEnumerable<EpochReport> history, string path)
    {
        using var csv = new CsvWriter(new StreamWriter(path), CultureInfo.InvariantCulture);
        foreach (var name in new[] { "epoch", "train_reconstruction", "train_kl", "train_total", "val_reconstruction", "val_kl", "val_total", "learning_rate", "beta", "seconds", "best" })
        {
            csv.WriteField(name);
        }

        csv.NextRecord();
        foreach (var r in history)
        {
            csv.WriteField(r.Epoch);
            foreach (var v in new[] { r.TrainReconstruction, r.TrainKl, r.TrainTotal, r.ValidationReconstruction, r.ValidationKl, r.ValidationTotal, r.LearningRate, r.Beta, r.Seconds })
            {
                csv.WriteField(v.ToString("G9", CultureInfo.InvariantCulture));
            }

            csv.WriteField(r.IsBest ? 1 : 0);
            csv.NextRecord();
        }
    }
}
