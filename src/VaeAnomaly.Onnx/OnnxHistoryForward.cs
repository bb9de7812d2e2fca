using Microsoft.ML.OnnxRuntime;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Onnx;

/// <summary>
/// The row scores of a detector that judges each row by the rows before it (<c>gaussian</c>, <c>seasonal</c>), run by
/// ONNX Runtime on its graph (watched columns in): each row scored with the <c>before</c> rows before it, the training
/// rows the detector starts from first, a chunk of rows at a time.
/// </summary>
/// <param name="session">A session of the detector's graph.</param>
/// <param name="engine">The engine's name.</param>
/// <param name="detector">The detector.</param>
/// <param name="state">The rows before a scored row that its graph reads, and the rows the detector starts from (watched columns, row-major).</param>
internal sealed class OnnxHistoryForward(InferenceSession session, string engine, RowDetector detector, (int Before, float[] History) state) : OnnxRunner(session, engine), IRowForward
{
    private static readonly string[] Outputs = ["score"];

    /// <inheritdoc />
    public float[] Run(float[] values, int rows)
    {
        var (before, history) = state;
        var (c, watched) = (detector.Channels.Count, detector.WatchedIndices);
        var k = watched.Length;
        var start = history.Length / k;
        var all = new float[(start + rows) * k];
        history.CopyTo(all, 0);
        for (var t = 0; t < rows; t++)
        {
            for (var j = 0; j < k; j++)
            {
                all[((start + t) * k) + j] = values[(t * c) + watched[j]];
            }
        }

        // Row t of the series is row start + t of all; its input is the before + 1 rows ending at it.
        var scores = new float[rows];
        var chunk = Math.Max(1, (1 << 22) / ((before + 1) * k));
        for (var first = 0; first < rows; first += chunk)
        {
            var n = Math.Min(chunk, rows - first);
            var input = new float[n * (before + 1) * k];
            for (var i = 0; i < n; i++)
            {
                all.AsSpan((start + first + i - before) * k, (before + 1) * k).CopyTo(input.AsSpan(i * (before + 1) * k));
            }

            Run(input, [n, before + 1, k], Outputs)[0].CopyTo(scores, first);
        }

        return scores;
    }
}
