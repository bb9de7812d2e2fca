using Microsoft.ML.OnnxRuntime;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Onnx;

/// <summary>
/// A gaussian's row scores run by ONNX Runtime on its graph (<see cref="GaussianGraph"/>, watched columns in): each row
/// scored with the window of rows before it, the training rows the detector starts from first, a chunk of rows at a time.
/// </summary>
internal sealed class OnnxGaussianForward(InferenceSession session, string engine, GaussianDetector detector) : OnnxRunner(session, engine), IRowForward
{
    private static readonly string[] Outputs = ["score"];

    /// <inheritdoc />
    public float[] Run(float[] values, int rows)
    {
        var (window, history, floor) = detector.State;
        var (k, c, watched) = (floor.Length, detector.Channels.Count, detector.WatchedIndices);
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

        // Row t of the series is row start + t of all; its input is the window + 1 rows ending at it.
        var scores = new float[rows];
        var chunk = Math.Max(1, (1 << 22) / ((window + 1) * k));
        for (var first = 0; first < rows; first += chunk)
        {
            var n = Math.Min(chunk, rows - first);
            var input = new float[n * (window + 1) * k];
            for (var i = 0; i < n; i++)
            {
                all.AsSpan((start + first + i - window) * k, (window + 1) * k).CopyTo(input.AsSpan(i * (window + 1) * k));
            }

            Run(input, [n, window + 1, k], Outputs)[0].CopyTo(scores, first);
        }

        return scores;
    }
}
