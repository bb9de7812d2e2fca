using System.Globalization;
using System.Text;

namespace VaeAnomaly.Load;

/// <summary>
/// The streams a load run posts: stream k is a daily-like wave with its own phase and seeded noise, and from the
/// middle on a short burst, so that some points are flagged. The training file is the same wave without bursts.
/// </summary>
/// <param name="Streams">How many streams.</param>
/// <param name="Points">Points per stream.</param>
/// <param name="Batch">Points per request.</param>
/// <param name="Seed">Seeds the noise.</param>
internal sealed record Workload(int Streams, int Points, int Batch, int Seed)
{
    /// <summary>The value of stream <paramref name="stream"/> at row <paramref name="t"/>.</summary>
    public static float Value(int stream, int t, int seed)
    {
        var noise = new Random(HashCode.Combine(seed, stream, t)).NextDouble() - 0.5;
        var burst = stream % 10 == 0 && t % 500 is >= 300 and < 305 ? 3.0 : 0.0;
        return (float)(Math.Sin((2 * Math.PI * t / 48) + (stream * 0.7)) + (0.2 * noise) + burst);
    }

    /// <summary>The CSV body of one request: rows <paramref name="from"/> up to the batch's end.</summary>
    public string Body(int stream, int from)
    {
        var text = new StringBuilder("value\n");
        for (var t = from; t < Math.Min(Points, from + Batch); t++)
        {
            text.Append(Value(stream, t, Seed).ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Writes a normal training series (no bursts) of <paramref name="rows"/> rows.</summary>
    public static void WriteTraining(string path, int rows, int seed)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("timestamp,value");
        for (var t = 0; t < rows; t++)
        {
            var noise = new Random(HashCode.Combine(seed, -1, t)).NextDouble() - 0.5;
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{t},{(float)(Math.Sin((2 * Math.PI * t / 48) + ((t / 2000) * 0.7)) + (0.2 * noise)):R}"));
        }
    }
}
