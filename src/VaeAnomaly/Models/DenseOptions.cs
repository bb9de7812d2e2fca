using VaeAnomaly.Data;

namespace VaeAnomaly.Models;

/// <summary>Sizes and training settings of the dense autoencoder and the dense VAE.</summary>
public sealed record DenseOptions
{
    /// <summary>True for the VAE (Gaussian latent, beta-ELBO), false for the plain autoencoder (MSE).</summary>
    public bool Variational { get; init; }

    /// <summary>Encoder hidden layers, input side first; the decoder mirrors them.</summary>
    public int[] Hidden { get; init; } = [64];

    /// <summary>Width of the code (autoencoder) or dimension of the latent (VAE).</summary>
    public int Latent { get; init; } = 32;

    /// <summary>Dropout after every hidden layer in training; 0 disables it.</summary>
    public double Dropout { get; init; }

    /// <summary>L2 weight decay added to the gradients (Adam's classic form); 0 disables it.</summary>
    public double WeightDecay { get; init; }

    /// <summary>KL weight of the VAE's objective.</summary>
    public double Beta { get; init; } = 1.0;

    /// <summary>Largest number of epochs.</summary>
    public int Epochs { get; init; } = 40;

    /// <summary>Records per batch.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Stop after this many epochs without a better validation loss; 0 disables early stopping.</summary>
    public int Patience { get; init; } = 5;

    /// <summary>Z-score every input column on the training data (off when the caller has scaled them already).</summary>
    public bool Standardize { get; init; } = true;

    /// <summary>The window models' input scaling: z-score, or min-max onto [0, 1] (with <see cref="SigmoidOutput"/>).</summary>
    public ScalerKind Scaler { get; init; } = ScalerKind.ZScore;

    /// <summary>A sigmoid on the reconstruction, for inputs min-max scaled onto [0, 1].</summary>
    public bool SigmoidOutput { get; init; }


    /// <summary>Seed of weights, batch order, dropout and sampling.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The dense autoencoder of the model-family issue: encoder 64 -> 32, decoder 32 -> 64 -> output.</summary>
    public static DenseOptions Autoencoder => new() { Hidden = [64], Latent = 32 };

    /// <summary>The dense VAE: encoder 128 -> 64, latent 16, decoder 64 -> 128 -> output.</summary>
    public static DenseOptions Vae => new() { Variational = true, Hidden = [128, 64], Latent = 16 };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (Hidden.Length is 0 or > MaxLayers || Hidden.Any(h => h is < 1 or > GruVaeOptions.MaxSize) || Latent is < 1 or > GruVaeOptions.MaxSize)
        {
            throw new ArgumentException($"Layer sizes must be between 1 and {GruVaeOptions.MaxSize}; got hidden [{string.Join(",", Hidden)}], latent {Latent}.");
        }

        var outOfRange =
            !(Dropout is >= 0 and < 1) ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Dropout must lie in [0, 1); got {Dropout}")
            : !(WeightDecay >= 0 && double.IsFinite(WeightDecay)) ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Weight decay must be a finite number, 0 or more; got {WeightDecay}")
            : !(Beta >= 0 && double.IsFinite(Beta)) ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Beta must be a finite number, 0 or more; got {Beta}")
            : Epochs < 1 ? $"Epochs must be at least 1; got {Epochs}"
            : BatchSize is < 1 or > GruVaeOptions.MaxSize ? $"Batch size must lie in 1..{GruVaeOptions.MaxSize}; got {BatchSize}"
            : !(LearningRate > 0 && double.IsFinite(LearningRate)) ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Learning rate must be a positive finite number; got {LearningRate}")
            : Patience < 0 ? $"Patience must not be negative; got {Patience}"
            : null;
        if (outOfRange is not null)
        {
            throw new ArgumentException(outOfRange + ".");
        }
    }

    /// <summary>Most hidden layers accepted.</summary>
    public const int MaxLayers = 16;

    /// <summary>
    /// An upper bound on the weights of any network these options build over inputs of <paramref name="inputWidth"/>
    /// values (a flattened window or record): eight times the dense chain width, hidden..., latent, which also bounds
    /// the LSTM (four gates over at most as many inputs) and the convolutions (kernel 7).
    /// </summary>
    /// <param name="inputWidth">Values per input: channels times window length (dense), at least the channels.</param>
    public long ParameterBound(long inputWidth)
    {
        long sum = 0, previous = inputWidth;
        foreach (var size in Hidden.Append(Latent))
        {
            sum += (previous + 1) * size;
            previous = size;
        }

        return 8 * sum;
    }

    /// <summary>Throws <see cref="ArgumentException"/> when a network over <paramref name="inputWidth"/> values could exceed <see cref="GruVaeOptions.MaxParameters"/>; checked before any weight is allocated.</summary>
    /// <param name="inputWidth">Values per input.</param>
    public void ValidateSize(long inputWidth)
    {
        if (inputWidth < 1 || ParameterBound(inputWidth) > GruVaeOptions.MaxParameters)
        {
            throw new ArgumentException($"inputs of {inputWidth:N0} values with hidden [{string.Join(",", Hidden)}] and latent {Latent} could make {ParameterBound(inputWidth):N0} weights; at most {GruVaeOptions.MaxParameters:N0} are accepted");
        }
    }
}
