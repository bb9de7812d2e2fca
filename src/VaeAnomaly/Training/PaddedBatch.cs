using VaeAnomaly.Data;
using static TorchSharp.torch;

namespace VaeAnomaly.Training;

/// <summary>A batch of sequences zero-padded to the longest, with what is needed to ignore the padding.</summary>
/// <param name="X">(batch, time, channels) float32.</param>
/// <param name="LastStep">(batch) int64 index of each sequence's last real step.</param>
/// <param name="Mask">(batch, time) boolean, true at real steps.</param>
/// <param name="Indices">Positions of the batch's sequences in the source set.</param>
internal sealed record PaddedBatch(Tensor X, Tensor LastStep, Tensor Mask, int[] Indices) : IDisposable
{
    /// <summary>Builds a batch from <paramref name="indices"/> of <paramref name="set"/>.</summary>
    /// <param name="set">Source sequences.</param>
    /// <param name="indices">Which sequences, in batch order.</param>
    /// <param name="padValue">Value written into padded steps; it must never matter (tests change it).</param>
    public static PaddedBatch Create(SequenceSet set, int[] indices, float padValue = 0f)
    {
        var c = set.Channels;
        var lengths = indices.Select(set.LengthOf).ToArray();
        var steps = lengths.Max();
        var values = new float[indices.Length * steps * c];
        var mask = new bool[indices.Length * steps];
        var last = new long[indices.Length];
        for (var b = 0; b < indices.Length; b++)
        {
            var source = set.Sequences[indices[b]].Values;
            var offset = b * steps * c;
            source.CopyTo(values, offset);
            values.AsSpan(offset + source.Length, (steps * c) - source.Length).Fill(padValue);
            mask.AsSpan(b * steps, lengths[b]).Fill(true);
            last[b] = lengths[b] - 1;
        }

        return new PaddedBatch(
            tensor(values, [indices.Length, steps, c]),
            tensor(last),
            tensor(mask, [indices.Length, steps]),
            indices);
    }

    /// <summary>Releases the native tensors.</summary>
    public void Dispose()
    {
        X.Dispose();
        LastStep.Dispose();
        Mask.Dispose();
    }
}
