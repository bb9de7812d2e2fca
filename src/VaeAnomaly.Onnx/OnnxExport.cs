using Google.Protobuf;
using Onnx;
using VaeAnomaly.Detectors;
using VaeAnomaly.IO;

namespace VaeAnomaly.Onnx;

/// <summary>
/// Writes a fitted detector as one ONNX file that scores raw values on its own: the scaler is the graph's first nodes, the
/// channel order, watched columns and threshold are in its metadata (<c>vae_anomaly.*</c>). Standard operators, opset 17.
/// </summary>
public static class OnnxExport
{
    /// <summary>The files <see cref="Write"/> makes: <c>--force</c> replaces only an ONNX model vae-anomaly produced.</summary>
    public static OwnedKind Kind { get; } = new("an ONNX model", "it is not an ONNX model whose producer is vae-anomaly", IsOurs);

    /// <summary>Why <paramref name="detector"/> cannot be exported, or null when it can.</summary>
    /// <param name="detector">A fitted detector.</param>
    public static string? Refusal(IFittedDetector detector) => OnnxSupport.Of(detector).Refusal;

    /// <summary>The ONNX model of <paramref name="detector"/> with raw-value input.</summary>
    /// <param name="detector">A fitted detector that <see cref="Refusal"/> accepts.</param>
    /// <exception cref="ArgumentException">It cannot be exported (the reason).</exception>
    public static byte[] ToBytes(IFittedDetector detector) => Build(detector, rawInput: true).ToByteArray();

    /// <summary>Writes the ONNX model of <paramref name="detector"/> to <paramref name="path"/> atomically; nothing is written when it cannot be exported.</summary>
    /// <param name="detector">A fitted detector.</param>
    /// <param name="path">A new file in an existing folder.</param>
    /// <param name="replace">Replace an ONNX model vae-anomaly wrote there before (<c>--force</c>).</param>
    /// <param name="inputs">The command's inputs (the bundle folder), which the output may not touch.</param>
    /// <exception cref="ArgumentException">The model cannot be exported (the reason).</exception>
    /// <exception cref="IOException">The path cannot be written (the reason).</exception>
    public static void Write(IFittedDetector detector, string path, bool replace, params string?[] inputs)
    {
        AtomicFile.EnsureWritable(path, replace, Kind, inputs);
        var bytes = ToBytes(detector);
        AtomicFile.Write(path, replace, Kind, temp => File.WriteAllBytes(temp, bytes), inputs);
    }

    /// <summary>The model proto, with raw (the exported file) or scaled input (the engine); a row detector always reads raw values.</summary>
    internal static ModelProto Build(IFittedDetector detector, bool rawInput) => OnnxSupport.Of(detector).Build(rawInput);

    private static bool IsOurs(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return ModelProto.Parser.ParseFrom(stream).ProducerName == "vae-anomaly";
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
