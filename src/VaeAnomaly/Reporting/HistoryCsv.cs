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
        using var csv = new CsvWriter(new StreamWriter(path), Data.SequenceCsvReader.Output);
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

    /// <summary>Largest history file read (a million epochs' rows).</summary>
    public const long MaxBytes = 256 << 20;

    /// <summary>Reads a file written by <see cref="Write"/>.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="Data.DataFormatException">A row is not eleven numbers, or the file is larger than <see cref="MaxBytes"/>.</exception>
    public static IReadOnlyList<EpochReport> Read(string path)
    {
        string text;
        try
        {
            text = IO.BoundedFile.ReadAllText(path, MaxBytes);
        }
        catch (IO.FileTooLargeException)
        {
            throw new Data.DataFormatException(path, null, null, $"holds more than {MaxBytes:N0} bytes; a training history is one short row per epoch");
        }

        var lines = text.Split('\n').Select((l, i) => (Text: l.TrimEnd('\r'), Line: i + 1)).Skip(1).Where(l => l.Text.Length > 0).ToArray();
        var epochs = lines.Length;
        return lines.Select(line =>
        {
            var f = line.Text.Split(',');
            if (f.Length != 11)
            {
                throw new Data.DataFormatException(path, line.Line, null, $"has {f.Length} fields; expected 11 (epoch, nine losses, best)");
            }

            double D(int i) => double.TryParse(f[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw new Data.DataFormatException(path, line.Line, null, $"field {i + 1} is '{IO.Messages.Cut(f[i])}'; expected a number");
            var epoch = int.TryParse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var e) && e >= 1
                ? e
                : throw new Data.DataFormatException(path, line.Line, "epoch", $"is '{IO.Messages.Cut(f[0])}'; expected a positive whole number");
            return new EpochReport(epoch, epochs, D(1), D(2), D(3), D(4), D(5), D(6), D(7), D(8), D(9), f[10] == "1");
        }).ToArray();
    }
}
