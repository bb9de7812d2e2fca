using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using VaeAnomaly.IO;
using static TorchSharp.torch;

namespace VaeAnomaly.Training;

/// <summary>
/// Where a training run saves its state after every epoch (one file, replaced atomically) and whether it
/// continues from what is there.
/// </summary>
/// <remarks>
/// File layout: the 8 bytes <c>VAECKPT1</c>, a little-endian int32 length and that many bytes of UTF-8
/// JSON (settings key, counters, history, tensor names, types and shapes), the tensors' raw little-endian
/// values in that order, and a SHA-256 of everything before it. Everything is checked before any tensor
/// is allocated.
/// </remarks>
/// <param name="Directory">The checkpoint folder.</param>
/// <param name="Resume">Continue from the checkpoint in <paramref name="Directory"/> (which must exist) instead of starting afresh.</param>
public sealed record TrainingCheckpoint(string Directory, bool Resume)
{
    /// <summary>The file inside <see cref="Directory"/>.</summary>
    public const string FileName = "checkpoint.bin";

    private const int HashLength = 32;
    private const long MaxValues = 1L << 28;
    private static readonly byte[] Magic = "VAECKPT1"u8.ToArray();

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Identifies the settings and data of the run; set by the detector, compared on resume.</summary>
    public string RunKey { get; init; } = "";

    /// <summary>The checkpoint file.</summary>
    public string FilePath => System.IO.Path.Combine(Directory, FileName);

    /// <summary>True when a checkpoint file is there.</summary>
    public bool Exists => File.Exists(FilePath);

    /// <summary>Removes the checkpoint file, and the folder when that leaves it empty.</summary>
    public void Delete()
    {
        if (File.Exists(FilePath))
        {
            File.Delete(FilePath);
        }

        if (System.IO.Directory.Exists(Directory) && !System.IO.Directory.EnumerateFileSystemEntries(Directory).Any())
        {
            System.IO.Directory.Delete(Directory);
        }
    }

    /// <summary>Epochs completed according to the checkpoint's header, read without loading its tensors.</summary>
    /// <exception cref="CheckpointException">Missing or damaged.</exception>
    public int EpochsDone() => ReadHeader(File.Exists(FilePath) ? ReadBytes() : throw Missing()).Header.EpochsDone;

    /// <summary>
    /// Largest checkpoint read: the weights, the best weights and Adam's two moments of the largest model accepted,
    /// and room for the header. A file that never ends (a link to a device) or a pipe costs at most that.
    /// </summary>
    private static readonly long MaxBytes = 4 * Persistence.WeightsFile.MaxBytes;

    private byte[] ReadBytes()
    {
        try
        {
            return IO.BoundedFile.ReadAllBytes(FilePath, MaxBytes);
        }
        catch (IOException e)
        {
            throw Damaged($"it could not be read: {e.Message}");
        }
    }

    internal void Save(TrainingState state)
    {
        var tensors = state.Tensors.Select(t => (t.Name, Tensor: t.Value.detach().cpu().contiguous())).ToArray();
        try
        {
            var header = new CheckpointHeader(
                state.RunKey, state.EpochsDone, state.Finished, state.BestLoss, state.SinceBest, state.AdamSteps, [.. state.History],
                [.. tensors.Select(t => new TensorEntry(t.Name, DTypeName(t.Tensor.dtype), t.Tensor.shape))]);
            using var body = new MemoryStream();
            var json = JsonSerializer.SerializeToUtf8Bytes(header, Json);
            body.Write(Magic);
            body.Write(BitConverter.GetBytes(json.Length));
            body.Write(json);
            foreach (var (_, t) in tensors)
            {
                body.Write(t.dtype == ScalarType.Float32
                    ? MemoryMarshal.AsBytes(t.data<float>().ToArray().AsSpan())
                    : t.data<byte>().ToArray());
            }

            body.Write(SHA256.HashData(body.GetBuffer().AsSpan(0, (int)body.Length)));
            System.IO.Directory.CreateDirectory(Directory);
            AtomicFile.WriteOwned(FilePath, temp => File.WriteAllBytes(temp, body.ToArray()));
        }
        finally
        {
            foreach (var (_, t) in tensors)
            {
                t.Dispose();
            }
        }
    }

    /// <exception cref="CheckpointException">Missing, damaged, or made with another run key.</exception>
    internal TrainingState Load()
    {
        if (!File.Exists(FilePath))
        {
            throw Missing();
        }

        var bytes = ReadBytes();
        var (header, offset) = ReadHeader(bytes);
        if (header.RunKey != RunKey)
        {
            throw new CheckpointException(FilePath, "this checkpoint was made by a run with other settings or data; resume only with the same command and data, or start over with --force.");
        }

        long needed = 0;
        foreach (var entry in header.Tensors)
        {
            if (entry.Shape.Any(d => d < 0) || entry.Shape.Aggregate(1L, (a, d) => a * d) > MaxValues || entry.DType is not ("float32" or "uint8"))
            {
                throw Damaged($"tensor '{entry.Name}' has shape [{string.Join(",", entry.Shape)}] and type {entry.DType}");
            }

            needed += entry.Shape.Aggregate(1L, (a, d) => a * d) * (entry.DType == "float32" ? 4 : 1);
        }

        if (offset + needed != bytes.Length - HashLength)
        {
            throw Damaged($"the tensors need {needed} bytes, the file holds {bytes.Length - HashLength - offset}");
        }

        var tensors = new List<(string, Tensor)>();
        foreach (var entry in header.Tensors)
        {
            var count = (int)entry.Shape.Aggregate(1L, (a, d) => a * d);
            var t = entry.DType == "float32"
                ? tensor(MemoryMarshal.Cast<byte, float>(bytes.AsSpan(offset, count * 4)).ToArray(), entry.Shape)
                : tensor(bytes.AsSpan(offset, count).ToArray(), entry.Shape);
            tensors.Add((entry.Name, t.DetachFromDisposeScope()));
            offset += count * (entry.DType == "float32" ? 4 : 1);
        }

        return new TrainingState
        {
            RunKey = header.RunKey,
            EpochsDone = header.EpochsDone,
            Finished = header.Finished,
            BestLoss = header.BestLoss,
            SinceBest = header.SinceBest,
            AdamSteps = header.AdamSteps,
            History = header.History,
            Tensors = tensors,
        };
    }

    private (CheckpointHeader Header, int Offset) ReadHeader(byte[] bytes)
    {
        if (bytes.Length < Magic.Length + 4 + HashLength || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw Damaged("it does not start with the checkpoint signature");
        }

        var content = bytes.AsSpan(0, bytes.Length - HashLength);
        if (!SHA256.HashData(content).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - HashLength)))
        {
            throw Damaged("its checksum does not match (truncated or edited)");
        }

        var length = BitConverter.ToInt32(bytes, Magic.Length);
        var start = Magic.Length + 4;
        if (length <= 0 || length > content.Length - start)
        {
            throw Damaged($"its header length {length} does not fit the file");
        }

        try
        {
            var header = JsonSerializer.Deserialize<CheckpointHeader>(bytes.AsSpan(start, length), Json)
                ?? throw Damaged("its header is empty");
            if (header.EpochsDone < 1 || header.History.Count != header.EpochsDone)
            {
                throw Damaged($"it records {header.EpochsDone} epochs done and {header.History.Count} history rows");
            }

            return (header, start + length);
        }
        catch (JsonException e)
        {
            throw Damaged($"its header is not valid: {e.Message}");
        }
    }

    private CheckpointException Missing() =>
        new(FilePath, "there is no checkpoint to resume from; run without --resume to start training.");

    private CheckpointException Damaged(string what) =>
        new(FilePath, $"the checkpoint is damaged: {what}. Start over with --force.");

    private static string DTypeName(ScalarType type) => type switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.Byte => "uint8",
        _ => throw new ArgumentException($"Checkpoints hold float32 and uint8 tensors, not {type}."),
    };

    private sealed record TensorEntry(string Name, string DType, long[] Shape);

    private sealed record CheckpointHeader(
        string RunKey, int EpochsDone, bool Finished, double BestLoss, int SinceBest, long AdamSteps,
        List<EpochReport> History, List<TensorEntry> Tensors);
}
