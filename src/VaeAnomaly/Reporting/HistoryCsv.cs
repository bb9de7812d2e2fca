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

    /// <summary>Reads a file written by <see cref="Write"/>.</summary>
    /// <param name="path">The file.</param>
    public static IReadOnlyList<EpochReport> Read(string path)
    {
        var lines = File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0).ToArray();
        var epochs = lines.Length;
        return lines.Select(line =>
        {
            var f = line.Split(',');
            double D(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
            return new EpochReport(int.Parse(f[0], CultureInfo.InvariantCulture), epochs, D(1), D(2), D(3), D(4), D(5), D(6), D(7), D(8), D(9), f[10] == "1");
        }).ToArray();
    }
}
