namespace VaeAnomaly.Performance;

/// <summary>
/// The GRU-VAE's posterior-mean pass on scaled sequences, as one engine computes it: the fused C# kernels
/// (<see cref="FusedGruVae"/>) by default, ONNX Runtime when asked for. Every posterior-mean score is made from what it returns.
/// </summary>
internal interface IGruVaeForward : IDisposable
{
    /// <summary>The engine's name, as <c>--engine</c> takes it.</summary>
    string Engine { get; }

    /// <summary>Posterior mean and log-variance, and the reconstruction decoded from the mean.</summary>
    /// <param name="x">(batch, steps, channels) row-major, scaled, zero-padded after each sequence's last step.</param>
    /// <param name="batch">Sequences.</param>
    /// <param name="steps">Padded length.</param>
    /// <param name="lastStep">Per sequence, the index of its last real step.</param>
    /// <returns>Mean and log-variance (batch, latent); reconstruction (batch, steps, channels), scaled; values after a sequence's last step are unspecified.</returns>
    (float[] Mean, float[] LogVar, float[] Reconstruction) Run(float[] x, int batch, int steps, int[] lastStep);
}
