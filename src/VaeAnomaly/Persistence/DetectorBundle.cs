using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaeAnomaly.Persistence;

/// <summary>Reads and writes <c>model.json</c>; validation of the contents is the loader's.</summary>
public static class DetectorBundle
{
    /// <summary>The manifest's file name.</summary>
    public const string ManifestFile = "model.json";

    /// <summary>The weights' file name (TorchSharp's own format, which cannot run code when loaded).</summary>
    public const string WeightsFile = "model.weights";

    /// <summary>The training history's file name.</summary>
    public const string HistoryFile = "history.csv";

    /// <summary>Largest manifest accepted, so a tampered file cannot exhaust memory.</summary>
    private const long MaxManifestBytes = 4 << 20;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The informational version of this library, written into every manifest.</summary>
    public static string ToolVersion =>
        typeof(DetectorBundle).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Writes the manifest into <paramref name="directory"/>.</summary>
    /// <param name="manifest">The manifest.</param>
    /// <param name="directory">The bundle folder (a staging folder while writing).</param>
    public static void WriteManifest<T>(T manifest, string directory) =>
        File.WriteAllText(Path.Combine(directory, ManifestFile), JsonSerializer.Serialize(manifest, Json));

    /// <summary>Reads a GRU-VAE manifest and checks its format version and sizes.</summary>
    /// <param name="directory">The bundle folder.</param>
    /// <exception cref="BundleException">Missing, unreadable, of another version, or with unexpected fields.</exception>
    public static BundleManifest ReadManifest(string directory) => Read<BundleManifest>(directory);

    /// <summary>Reads a baseline model's manifest and checks its format version and sizes.</summary>
    /// <param name="directory">The bundle folder.</param>
    /// <exception cref="BundleException">Missing, unreadable, of another version, or with unexpected fields.</exception>
    public static BaselineManifest ReadBaselineManifest(string directory) => Read<BaselineManifest>(directory);

    /// <summary>The model name a bundle holds (<c>gru-vae</c>, <c>dense-ae</c>, ...), read before choosing how to load it.</summary>
    /// <param name="directory">The bundle folder.</param>
    /// <exception cref="BundleException">Missing, unreadable, of another version, or without a model name.</exception>
    public static string ModelOf(string directory) =>
        Parse(directory, doc => doc.RootElement.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String
            ? model.GetString()!
            : throw new BundleException(directory, $"{ManifestFile} names no model"));

    private static T Read<T>(string directory)
        where T : class =>
        Parse(directory, doc => doc.Deserialize<T>(Json)) ?? throw new BundleException(directory, $"{ManifestFile} is empty");

    private static T Parse<T>(string directory, Func<JsonDocument, T> read)
    {
        var path = Path.Combine(directory, ManifestFile);
        if (!Directory.Exists(directory))
        {
            throw new BundleException(directory, "the model bundle folder does not exist");
        }

        if (!File.Exists(path))
        {
            throw new BundleException(directory, $"has no {ManifestFile}; expected a folder written by 'vae-anomaly train'");
        }

        if (new FileInfo(path).Length > MaxManifestBytes)
        {
            throw new BundleException(directory, $"{ManifestFile} is {new FileInfo(path).Length} bytes; a manifest is a few kilobytes");
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (!doc.RootElement.TryGetProperty("format_version", out var version) || version.ValueKind != JsonValueKind.Number)
            {
                throw new BundleException(directory, $"{ManifestFile} has no format_version; expected {BundleManifest.CurrentFormatVersion}");
            }

            if (version.GetInt32() != BundleManifest.CurrentFormatVersion)
            {
                throw new BundleException(directory, $"{ManifestFile} has format version {version.GetInt32()}; this tool reads version {BundleManifest.CurrentFormatVersion}");
            }

            return read(doc);
        }
        catch (JsonException e)
        {
            throw new BundleException(directory, $"{ManifestFile} is not a valid manifest: {e.Message}");
        }
    }
}
