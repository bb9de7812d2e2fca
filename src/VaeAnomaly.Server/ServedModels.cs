using VaeAnomaly.Persistence;

namespace VaeAnomaly.Server;

/// <summary>The bundles of the models folder, by name, loaded once when the service starts.</summary>
public sealed class ServedModels : IDisposable
{
    private readonly Dictionary<string, ServedModel> byName;

    /// <summary>Loads every sub-folder of <paramref name="directory"/> as a bundle.</summary>
    /// <param name="directory">The models folder.</param>
    /// <param name="loader">Loads one bundle folder; null for <see cref="Detectors.DetectorRegistry.Load"/>.</param>
    /// <param name="rest">How long each model's streams rest after an alarm.</param>
    /// <param name="online">Whether the streams of models that can keep learning do.</param>
    /// <param name="surprise">Whether the streams of the other models flag each point by its surprise.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="BundleException">A sub-folder is not a bundle this version can load (named in the message), or there is none.</exception>
    public ServedModels(string directory, Func<string, Detectors.IFittedDetector>? loader = null, Streaming.AlarmRest rest = default, bool online = false, bool surprise = false)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The models folder {directory} {IO.Messages.NotAFolder(directory)}; expected a folder with one bundle per sub-folder (made by `vae-anomaly train --out {Path.Combine(directory, "NAME")}`).");
        }

        byName = new Dictionary<string, ServedModel>(StringComparer.Ordinal);
        try
        {
            foreach (var folder in Directory.GetDirectories(directory).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(folder);
                try
                {
                    byName[name] = new ServedModel(name, folder, loader, rest, online, surprise);
                }
                catch (ArgumentException e)
                {
                    throw new ArgumentException($"The model '{name}' ({folder}) cannot be served: {e.Message}", e); // a threshold rule its bundle could not fit
                }
            }
        }
        catch
        {
            Dispose();
            throw;
        }

        if (byName.Count == 0)
        {
            throw new BundleException(directory, "holds no bundle; expected one sub-folder per model (made by `vae-anomaly train --out DIR/NAME`)");
        }
    }

    /// <summary>The models, ordered by name.</summary>
    public IEnumerable<ServedModel> All => byName.Values.OrderBy(m => m.Name, StringComparer.Ordinal);

    /// <summary>The model of that name, or null.</summary>
    public ServedModel? Find(string? name) => name is not null && byName.TryGetValue(name, out var model) ? model : null;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var model in byName.Values)
        {
            model.Dispose();
        }
    }
}
