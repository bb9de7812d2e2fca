using static TorchSharp.torch;

namespace VaeAnomaly.Persistence;

/// <summary>Saves a model's weights into a bundle and loads them back only after checking their digest and every tensor's shape.</summary>
internal static class WeightsFile
{
    /// <summary>Largest weights file read: four bytes per weight of the largest model, and room for the format's headers.</summary>
    public const long MaxBytes = (4 * Models.GruVaeOptions.MaxParameters) + (64 << 20);

    /// <summary>Writes <see cref="DetectorBundle.WeightsFile"/> into <paramref name="directory"/> and describes it for the manifest.</summary>
    /// <param name="network">The trained model.</param>
    /// <param name="directory">The bundle folder (a staging folder while writing).</param>
    public static WeightsInfo Save(nn.Module network, string directory)
    {
        var path = Path.Combine(directory, DetectorBundle.WeightsFile);
        network.save(path);
        return new WeightsInfo(DetectorBundle.WeightsFile, DataFingerprint.OfFile(path), Shapes(network));
    }

    /// <summary>
    /// Writes named arrays (a window model's) as the weights file, in the format <see cref="Save"/> writes (TorchSharp's:
    /// a count, then per array its name, element type 6 (float32), rank, dimensions, each a LEB128 number, and its
    /// little-endian values), byte for byte, in managed code: a model fitted in closed form never starts libtorch to
    /// be saved.
    /// </summary>
    /// <param name="directory">The bundle folder (a staging folder while writing).</param>
    /// <param name="arrays">Each array's values and shape, by name, in the order they are stored.</param>
    public static WeightsInfo SaveArrays(string directory, IReadOnlyDictionary<string, (float[] Values, long[] Shape)> arrays)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("weights are written as little-endian floats");
        }

        var path = Path.Combine(directory, DetectorBundle.WeightsFile);
        using (var writer = new BinaryWriter(File.Create(path), System.Text.Encoding.UTF8))
        {
            writer.Write7BitEncodedInt64(arrays.Count);
            foreach (var (name, (values, shape)) in arrays)
            {
                if (shape.Aggregate(1L, (a, b) => a * b) != values.Length)
                {
                    throw new ArgumentException($"array '{name}' holds {values.Length} values; its shape [{string.Join(",", shape)}] asks for another number", nameof(arrays));
                }

                writer.Write(name);
                writer.Write7BitEncodedInt64(6);
                writer.Write7BitEncodedInt64(shape.Length);
                foreach (var dimension in shape)
                {
                    writer.Write7BitEncodedInt64(dimension);
                }

                writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
            }
        }

        return new WeightsInfo(DetectorBundle.WeightsFile, DataFingerprint.OfFile(path), arrays.ToDictionary(kv => kv.Key, kv => kv.Value.Shape));
    }

    /// <summary>Checks the file named by <paramref name="info"/> against its digest and <paramref name="network"/>'s shapes, then loads it; disposes the network on failure.</summary>
    /// <param name="network">A freshly built model with the bundle's options.</param>
    /// <param name="directory">The bundle folder.</param>
    /// <param name="info">The manifest's description of the weights.</param>
    /// <exception cref="BundleException">The file is missing, changed, of other shapes, or unreadable.</exception>
    public static void Load(nn.Module network, string directory, WeightsInfo info)
    {
        try
        {
            var path = Verify(directory, info, Shapes(network));
            try
            {
                network.load(path, strict: true);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new BundleException(directory, $"the weights could not be read: {e.Message}");
            }
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads a bundle's weights into managed arrays without libtorch (the file is TorchSharp's <c>save</c> format: a LEB128 count, then per
    /// tensor its UTF-8 name, element type, dimensions and little-endian values), after the same checks as <see cref="Load"/>.
    /// </summary>
    /// <param name="directory">The bundle folder.</param>
    /// <param name="info">The manifest's record of the file.</param>
    /// <param name="expected">The shape of every tensor the model's options make.</param>
    /// <exception cref="BundleException">The file is missing, changed, of other shapes, or not float tensors in that format.</exception>
    public static Dictionary<string, Performance.StoredTensor> Read(string directory, WeightsInfo info, IReadOnlyDictionary<string, long[]> expected)
    {
        var path = Verify(directory, info, expected);
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path), System.Text.Encoding.UTF8);
            var remaining = reader.BaseStream.Length;
            var count = Leb128(reader);
            var state = new Dictionary<string, Performance.StoredTensor>();
            for (var i = 0L; i < count; i++)
            {
                var name = reader.ReadString();
                var type = Leb128(reader);
                if (type != 6)
                {
                    throw new InvalidDataException($"tensor '{IO.Messages.Cut(name)}' has element type {type}; expected 6 (float32)");
                }

                var rank = Leb128(reader);
                var shape = rank <= 8 ? Enumerable.Range(0, (int)rank).Select(_ => Leb128(reader)).ToArray() : throw new InvalidDataException($"tensor '{IO.Messages.Cut(name)}' has {rank} dimensions");
                if (!expected.TryGetValue(name, out var wanted) || !wanted.SequenceEqual(shape))
                {
                    throw new InvalidDataException($"tensor '{IO.Messages.Cut(name)}' is stored as [{string.Join(",", shape)}]; the model options make it [{string.Join(",", wanted ?? [])}]");
                }

                var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
                var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan());
                if (reader.BaseStream.Read(bytes) != bytes.Length)
                {
                    throw new InvalidDataException($"the file ends inside tensor '{IO.Messages.Cut(name)}'");
                }

                if (!BitConverter.IsLittleEndian)
                {
                    throw new PlatformNotSupportedException("weights are read as little-endian floats");
                }

                state[name] = new Performance.StoredTensor(shape, values);
            }

            if (state.Count != expected.Count || reader.BaseStream.Position != remaining)
            {
                throw new InvalidDataException($"it holds {state.Count} tensors and {remaining - reader.BaseStream.Position} bytes more; the model has {expected.Count} tensors");
            }

            return state;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException or FormatException)
        {
            throw new BundleException(directory, $"the weights could not be read: {e.Message}");
        }
    }

    /// <summary>Checks the file against its record (a name inside the bundle, present, bounded, its SHA-256, the recorded shapes); returns its path.</summary>
    private static string Verify(string directory, WeightsInfo info, IReadOnlyDictionary<string, long[]> shapes)
    {
        var path = Path.Combine(directory, info.File);
        if (Path.GetFileName(info.File) != info.File)
        {
            throw new BundleException(directory, $"the weights file '{IO.Messages.Cut(info.File)}' must be a file name inside the bundle");
        }

        if (Directory.Exists(path))
        {
            throw new BundleException(directory, $"'{info.File}' is a folder; expected the weights file");
        }

        if (!File.Exists(path))
        {
            throw new BundleException(directory, $"the weights file '{info.File}' is missing");
        }

        string digest;
        try
        {
            // Bounded: the weights of the largest model accepted, so a link to a device cannot run forever.
            digest = IO.BoundedFile.Sha256(path, MaxBytes);
        }
        catch (IO.FileTooLargeException)
        {
            throw new BundleException(directory, $"the weights file '{info.File}' holds more than {MaxBytes:N0} bytes, more than the largest model accepted ({Models.GruVaeOptions.MaxParameters:N0} weights)");
        }
        catch (IOException e)
        {
            throw new BundleException(directory, $"the weights file '{info.File}' could not be read: {e.Message}");
        }

        if (digest != info.Sha256)
        {
            throw new BundleException(directory, $"the weights file '{info.File}' does not match its recorded SHA-256: it was changed or truncated");
        }

        foreach (var (name, shape) in shapes)
        {
            if (!info.Parameters.TryGetValue(name, out var stored) || !stored.SequenceEqual(shape))
            {
                throw new BundleException(directory, $"tensor '{name}' is recorded as [{string.Join(",", stored ?? [])}]; the model options make it [{string.Join(",", shape)}]");
            }
        }

        return path;
    }

    /// <summary>An unsigned LEB128 number, as .NET's BinaryWriter and TorchSharp write lengths.</summary>
    private static long Leb128(BinaryReader reader)
    {
        long value = 0;
        for (var shift = 0; shift < 63; shift += 7)
        {
            var b = reader.ReadByte();
            value |= (long)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException("a length is longer than 9 bytes");
    }

    private static Dictionary<string, long[]> Shapes(nn.Module network) =>
        network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
}
