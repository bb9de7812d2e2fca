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

    /// <summary>Checks the file named by <paramref name="info"/> against its digest and <paramref name="network"/>'s shapes, then loads it; disposes the network on failure.</summary>
    /// <param name="network">A freshly built model with the bundle's options.</param>
    /// <param name="directory">The bundle folder.</param>
    /// <param name="info">The manifest's description of the weights.</param>
    /// <exception cref="BundleException">The file is missing, changed, of other shapes, or unreadable.</exception>
    public static void Load(nn.Module network, string directory, WeightsInfo info)
    {
        try
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

            foreach (var (name, shape) in Shapes(network))
            {
                if (!info.Parameters.TryGetValue(name, out var stored) || !stored.SequenceEqual(shape))
                {
                    throw new BundleException(directory, $"tensor '{name}' is recorded as [{string.Join(",", stored ?? [])}]; the model options make it [{string.Join(",", shape)}]");
                }
            }

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

    private static Dictionary<string, long[]> Shapes(nn.Module network) =>
        network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
}
