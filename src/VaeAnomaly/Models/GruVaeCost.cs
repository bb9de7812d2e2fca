namespace VaeAnomaly.Models;

/// <summary>Arithmetic cost of <see cref="GruVae"/>, to compare achieved FLOP rates with the machine's.</summary>
public static class GruVaeCost
{
    /// <summary>
    /// Floating-point operations of one forward pass over one sequence: the matrix products only
    /// (2 per multiply-add); gate non-linearities and element-wise updates are not counted.
    /// </summary>
    /// <param name="o">The architecture.</param>
    /// <param name="steps">Sequence length.</param>
    public static double ForwardFlops(GruVaeOptions o, int steps)
    {
        static double Gru(int input, int hidden) => 2.0 * 3 * hidden * (input + hidden);
        var perStep = Gru(o.Channels, o.EncoderSizes[0]) + Gru(o.EncoderSizes[0], o.EncoderSizes[1])
            + Gru(o.DecoderSizes[0], o.DecoderSizes[0]) + Gru(o.DecoderSizes[0], o.DecoderSizes[1])
            + (2.0 * o.DecoderSizes[1] * o.Channels);
        var perSequence = (2 * 2.0 * o.EncoderSizes[1] * o.Latent) + (2.0 * o.Latent * o.DecoderSizes[0]);
        return (perStep * steps) + perSequence;
    }

    /// <summary>Training cost per sequence: forward plus backward, taken as three forward passes (the usual estimate).</summary>
    /// <param name="o">The architecture.</param>
    /// <param name="steps">Sequence length.</param>
    public static double TrainingFlops(GruVaeOptions o, int steps) => 3 * ForwardFlops(o, steps);
}
