using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using VaeAnomaly.IO;

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
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The informational version of this library, written into every manifest.</summary>
    public static string ToolVersion =>
        typeof(DetectorBundle).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>
    /// The first step of every <c>Save</c>: a bundle is written into an existing, empty folder only, so a library call
    /// never writes its files among a user's own (a <c>history.csv</c> of theirs, an earlier bundle half replaced).
    /// </summary>
    /// <param name="directory">Where a bundle is about to be saved.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="IOException">The folder holds anything, named in the message; nothing was written.</exception>
    internal static void EnsureEmptyFolder(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{directory}: a bundle is saved into an existing, empty folder, and this folder does not exist; create it first.");
        }

        var held = Directory.EnumerateFileSystemEntries(directory).Select(e => Path.GetFileName(e)!).Order(StringComparer.Ordinal).ToList();
        if (held.Count > 0)
        {
            throw new IOException($"{directory}: a bundle is saved into an existing, empty folder, and this one holds {Messages.List(held)}; nothing was written. "
                + "Choose an empty folder (IO.StagedDirectory replaces an earlier bundle of this tool safely).");
        }
    }

    /// <summary>Writes the manifest into <paramref name="directory"/>.</summary>
    /// <param name="manifest">The manifest.</param>
    /// <param name="directory">The bundle folder (a staging folder while writing).</param>
    /// <exception cref="ArgumentException">The manifest would be larger than a bundle's manifest may be read back (<see cref="MaxManifestBytes"/>); nothing is written.</exception>
    public static void WriteManifest<T>(T manifest, string directory)
    {
        // A bundle this tool could not load again is refused when it is written, not found out at the first score.
        var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest, Json);
        if (bytes.Length > MaxManifestBytes)
        {
            throw new ArgumentException($"The model's {ManifestFile} would hold {bytes.Length:N0} bytes, more than the {MaxManifestBytes:N0} a bundle's manifest may, so it could not be loaded again; "
                + "what makes it large is kept per column or per latent dimension there: use a smaller --latent (the GRU-VAE keeps a latent x latent covariance), a shorter --window (the gaussian keeps its last window of rows), or fewer columns.");
        }

        File.WriteAllBytes(Path.Combine(directory, ManifestFile), bytes);
    }

    /// <summary>Reads a GRU-VAE manifest and checks its format version and sizes.</summary>
    /// <param name="directory">The bundle folder.</param>
    /// <exception cref="BundleException">Missing, unreadable, of another version, or with unexpected fields.</exception>
    public static BundleManifest ReadManifest(string directory) => ManifestValidation.Check(Read<BundleManifest>(directory), directory);

    /// <summary>Reads a baseline model's manifest and checks its format version and sizes.</summary>
    /// <param name="directory">The bundle folder.</param>
    /// <exception cref="BundleException">Missing, unreadable, of another version, or with unexpected fields.</exception>
    public static BaselineManifest ReadBaselineManifest(string directory) => ManifestValidation.Check(Read<BaselineManifest>(directory), directory);

    /// <summary>Reads a manifest of type <typeparamref name="T"/> with the same limits and checks (bounded size, format version, no unknown or missing keys); its values are the caller's to validate.</summary>
    /// <param name="directory">The bundle folder.</param>
    /// <exception cref="BundleException">Missing, unreadable, of another version, or with unexpected or missing fields.</exception>
    internal static T ReadAs<T>(string directory)
        where T : class => Read<T>(directory);

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
            throw new BundleException(directory, File.Exists(directory)
                ? "is a file; a model bundle is the folder 'vae-anomaly train' wrote"
                : "the model bundle folder does not exist");
        }

        if (!File.Exists(path))
        {
            throw new BundleException(directory, $"has no {ManifestFile}; expected a folder written by 'vae-anomaly train'");
        }

        try
        {
            // Read with a limit: a manifest that is a link to a device or a file that never ends costs at most that.
            using var doc = JsonDocument.Parse(BoundedFile.ReadAllBytes(path, MaxManifestBytes), new JsonDocumentOptions { MaxDepth = 16, AllowDuplicateProperties = false });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new BundleException(directory, $"{ManifestFile} must hold a JSON object; it holds {Describe(doc.RootElement.ValueKind)}");
            }

            if (!doc.RootElement.TryGetProperty("format_version", out var version) || version.ValueKind != JsonValueKind.Number)
            {
                throw new BundleException(directory, $"{ManifestFile} has no format_version; expected {BundleManifest.CurrentFormatVersion}");
            }

            if (!version.TryGetInt32(out var number) || number != BundleManifest.CurrentFormatVersion)
            {
                throw new BundleException(directory, $"{ManifestFile} has format version {Messages.Cut(version.GetRawText())}; this tool reads version {BundleManifest.CurrentFormatVersion}");
            }

            return read(doc);
        }
        catch (FileTooLargeException)
        {
            throw new BundleException(directory, $"{ManifestFile} holds more than {MaxManifestBytes:N0} bytes; a manifest is a few kilobytes");
        }
        catch (JsonException e)
        {
            // The serializer names the key (its JSON path) and what it expected: a missing key, a null or a value of another type.
            throw new BundleException(directory, $"{ManifestFile} is not a valid manifest: {Messages.Cut(e.Message.Replace(" Path: $.", " Key: ", StringComparison.Ordinal), 400)}");
        }
        catch (IOException e)
        {
            throw new BundleException(directory, $"{ManifestFile} could not be read: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new BundleException(directory, $"{ManifestFile} could not be read: {e.Message}");
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.Null => "null",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => "true or false",
    };
}
