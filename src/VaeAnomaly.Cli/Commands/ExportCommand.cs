using System.CommandLine;
using Spectre.Console;
using VaeAnomaly.Detectors;
using VaeAnomaly.Onnx;

namespace VaeAnomaly.Cli.Commands;

/// <summary><c>vae-anomaly export</c>: writes a bundle as one ONNX file that scores raw values on its own.</summary>
internal static class ExportCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var bundle = SharedOptions.Bundle();
        var format = new Option<string>("--format") { Description = "The file's format: onnx (standard operators, opset 17; scaler and channel order inside).", DefaultValueFactory = _ => "onnx" };
        format.AcceptOnlyFromAmong("onnx");
        var output = new Option<string>("--out") { Description = "The file to write (FILE.onnx), in an existing folder.", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace an ONNX file vae-anomaly exported before (never another file or an input)." };
        var command = new Command("export", "Write a trained bundle as an ONNX model for ONNX Runtime, ML.NET, Python or any serving stack.") { bundle, format, output, force };
        command.SetAction((r, ct) => CommandRunner.RunAsync(console, r, _ =>
        {
            var (path, folder) = (r.GetValue(output)!, r.GetValue(bundle)!);
            IO.AtomicFile.EnsureWritable(path, r.GetValue(force), OnnxExport.Kind, folder);
            using var loaded = DetectorRegistry.Load(folder);
            OnnxExport.Write(loaded, path, r.GetValue(force), folder);
            var inputs = (loaded as IReadsRecords)?.Encoder is { } encoder
                ? string.Join(" and ", new[]
                {
                    encoder.NumericNames.Count > 0 ? $"input 'numbers' of raw numbers in the order [{string.Join(", ", encoder.NumericNames)}] (NaN for a gap, taken as the training mean)" : null,
                    encoder.TextNames.Count > 0 ? $"input 'text' of strings in the order [{string.Join(", ", encoder.TextNames)}] (one-hot in the graph)" : null,
                }.Where(p => p is not null))
                : $"input 'values' of raw values, {loaded.Channels.Count} columns in the order [{string.Join(", ", loaded.Channels)}]";
            console.MarkupLineInterpolated($"Wrote {path} ({new FileInfo(path).Length:N0} bytes): {inputs}; output 'score' flagged above the threshold in its metadata.");
            return 0;
        }, ct));
        return command;
    }
}
