using static TorchSharp.torch;

namespace VaeAnomaly.Models;

/// <summary>What a VAE forward pass returns.</summary>
/// <param name="Reconstruction">(batch, time, channels).</param>
/// <param name="Mean">(batch, latent) posterior mean.</param>
/// <param name="LogVar">(batch, latent) posterior log-variance.</param>
public sealed record VaeOutput(Tensor Reconstruction, Tensor Mean, Tensor LogVar);
