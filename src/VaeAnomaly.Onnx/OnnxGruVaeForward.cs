using Microsoft.ML.OnnxRuntime;
using VaeAnomaly.Performance;

namespace VaeAnomaly.Onnx;

/// <summary>
/// The GRU-VAE's posterior-mean pass run by ONNX Runtime on the graph of <see cref="GruVaeGraph"/> (scaled input). The graph
/// reads full rows, so a batch of sequences of several lengths runs as one call per length.
/// </summary>
internal sealed class OnnxGruVaeForward(InferenceSession session, string engine, int channels) : OnnxRunner(session, engine), IGruVaeForward
{
    private static readonly string[] Outputs = ["latent_mean", "latent_log_variance", "reconstruction"];

    /// <inheritdoc />
    public (float[] Mean, float[] LogVar, float[] Reconstruction) Run(float[] x, int batch, int steps, int[] lastStep)
    {
        if (lastStep.All(t => t == steps - 1))
        {
            return RunFull(x.Length == batch * steps * channels ? x : x[..(batch * steps * channels)], batch, steps);
        }

        var reconstruction = new float[batch * steps * channels];
        float[]? mean = null, logVar = null;
        foreach (var group in Enumerable.Range(0, batch).GroupBy(b => lastStep[b] + 1))
        {
            var (rows, length) = (group.ToArray(), group.Key);
            var part = new float[rows.Length * length * channels];
            for (var r = 0; r < rows.Length; r++)
            {
                x.AsSpan(rows[r] * steps * channels, length * channels).CopyTo(part.AsSpan(r * length * channels));
            }

            var (m, v, y) = RunFull(part, rows.Length, length);
            var latent = m.Length / rows.Length;
            mean ??= new float[batch * latent];
            logVar ??= new float[batch * latent];
            for (var r = 0; r < rows.Length; r++)
            {
                m.AsSpan(r * latent, latent).CopyTo(mean.AsSpan(rows[r] * latent));
                v.AsSpan(r * latent, latent).CopyTo(logVar.AsSpan(rows[r] * latent));
                y.AsSpan(r * length * channels, length * channels).CopyTo(reconstruction.AsSpan(rows[r] * steps * channels));
            }
        }

        return (mean!, logVar!, reconstruction);
    }

    private (float[] Mean, float[] LogVar, float[] Reconstruction) RunFull(float[] x, int batch, int steps)
    {
        var results = Run(x, [batch, steps, channels], Outputs);
        return (results[0], results[1], results[2]);
    }
}
