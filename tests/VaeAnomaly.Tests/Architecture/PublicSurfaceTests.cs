using System.Reflection;
using VaeAnomaly.Data;
using static TorchSharp.torch;

namespace VaeAnomaly.Tests.Architecture;

/// <summary>
/// The library's promise that callers never manage native memory: outside <c>Models/</c> (TorchSharp modules, public
/// by design), no public signature takes or returns a tensor or a module (issue 17: the kernels, padded batches, the
/// trainers, the scorer, Adam, the weights file and importance sampling are internal).
/// </summary>
public sealed class PublicSurfaceTests
{
    private static bool IsNative(Type type) =>
        type.HasElementType ? IsNative(type.GetElementType()!)
        : type.IsGenericType ? type.GetGenericArguments().Any(IsNative)
        : typeof(Tensor).IsAssignableFrom(type) || typeof(nn.Module).IsAssignableFrom(type);

    /// <summary>Every public member outside the model namespace whose signature holds a tensor or a module.</summary>
    private static IEnumerable<string> Offenders()
    {
        var library = typeof(SequenceSet).Assembly;
        foreach (var type in library.GetExportedTypes().Where(t => t.Namespace != "VaeAnomaly.Models"))
        {
            if (typeof(nn.Module).IsAssignableFrom(type))
            {
                yield return $"{type.FullName} is a module outside VaeAnomaly.Models";
            }

            const BindingFlags Public = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var method in type.GetMethods(Public).Where(m => !m.IsSpecialName || m.Name.StartsWith("get_", StringComparison.Ordinal)))
            {
                if (IsNative(method.ReturnType) || method.GetParameters().Any(p => IsNative(p.ParameterType)))
                {
                    yield return $"{type.FullName}.{method.Name}";
                }
            }

            foreach (var constructor in type.GetConstructors(Public).Where(c => c.GetParameters().Any(p => IsNative(p.ParameterType))))
            {
                yield return $"{type.FullName} constructor";
            }
        }
    }

    [Fact]
    public void Library_OutsideModels_NoPublicSignatureHoldsATensorOrModule()
    {
        var offenders = Offenders().Distinct().Order(StringComparer.Ordinal).ToArray();

        Assert.True(offenders.Length == 0, "public tensor plumbing:\n" + string.Join("\n", offenders));
    }
}
