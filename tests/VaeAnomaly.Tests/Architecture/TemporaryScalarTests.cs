using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Emit;
using TorchSharp;
using VaeAnomaly.Data;

namespace VaeAnomaly.Tests.Architecture;

/// <summary>
/// TorchSharp's implicit Scalars, found in the compiled library rather than by review (docs/torchsharp.md): a number
/// turned into a <see cref="Scalar"/> on the fly (<c>tensor * 0.5</c>), or a TorchSharp method that makes one inside
/// (<c>add(x)</c> passes an alpha of 1), leaves a temporary the garbage collector may finalize while the native call
/// still reads it. Parallel runs crashed that way one call site at a time (a CI run's <c>compare</c> with
/// <c>Unknown scalar type</c> on 2026-12-05), so every method the library compiles, lambdas included, is read
/// instruction by instruction.
/// </summary>
public sealed class TemporaryScalarTests
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private static readonly ConcurrentDictionary<MethodBase, bool> TorchSharpCache = new();

    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance
        | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>The methods and constructors a method's body calls (call, callvirt, newobj, ldftn).</summary>
    private static IEnumerable<MethodBase> Callees(MethodBase method)
    {
        byte[]? il;
        try
        {
            il = method.GetMethodBody()?.GetILAsByteArray();
        }
        catch (Exception e) when (e is BadImageFormatException or InvalidOperationException or NotSupportedException)
        {
            yield break;
        }

        if (il is null)
        {
            yield break;
        }

        var typeArguments = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        var methodArguments = method is MethodInfo { IsGenericMethod: true } m ? m.GetGenericArguments() : null;
        var at = 0;
        while (at < il.Length)
        {
            short value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            at += il[at] == 0xFE ? 2 : 1;
            var code = OpCodesByValue[value];
            if (code.OperandType == OperandType.InlineMethod)
            {
                var token = BitConverter.ToInt32(il, at);
                MethodBase? callee = null;
                try
                {
                    callee = method.Module.ResolveMethod(token, typeArguments, methodArguments);
                }
                catch (Exception e) when (e is ArgumentException or BadImageFormatException or TypeLoadException)
                {
                }

                if (callee is not null)
                {
                    yield return callee;
                }
            }

            at += code.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
                _ => 4,
            };
        }
    }

    private static bool IsImplicitScalar(MethodBase method) =>
        method is MethodInfo { Name: "op_Implicit" } m && m.ReturnType == typeof(Scalar);

    /// <summary>Whether a TorchSharp method makes a Scalar it does not hold, itself or through the TorchSharp methods it calls.</summary>
    private static bool MakesTemporaryScalar(MethodBase method, HashSet<MethodBase> visiting)
    {
        if (TorchSharpCache.TryGetValue(method, out var known))
        {
            return known;
        }

        if (!visiting.Add(method))
        {
            return false;
        }

        var makes = Callees(method).Any(c => IsImplicitScalar(c)
            || (c.DeclaringType?.Assembly == typeof(Scalar).Assembly && MakesTemporaryScalar(c, visiting)));
        visiting.Remove(method);
        TorchSharpCache[method] = makes;
        return makes;
    }

    /// <summary>Each method of the types that makes a temporary Scalar, with how.</summary>
    private static IEnumerable<string> Offenders(IEnumerable<Type> types)
    {
        foreach (var type in types)
        {
            var methods = type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything));
            foreach (var method in methods)
            {
                foreach (var callee in Callees(method).Distinct())
                {
                    if (IsImplicitScalar(callee))
                    {
                        yield return $"{type.FullName}.{method.Name}: a number converted to a Scalar";
                    }
                    else if (callee.DeclaringType?.Assembly == typeof(Scalar).Assembly && MakesTemporaryScalar(callee, []))
                    {
                        yield return $"{type.FullName}.{method.Name}: {callee.DeclaringType.Name}.{callee.Name}({string.Join(", ", callee.GetParameters().Select(p => p.ParameterType.Name))}) makes one inside";
                    }
                }
            }
        }
    }

    [Fact]
    public void Library_NoMethodMakesATemporaryScalar()
    {
        var offenders = Offenders(typeof(SequenceSet).Assembly.GetTypes()).Distinct().Order(StringComparer.Ordinal).ToArray();

        Assert.True(offenders.Length == 0, $"{offenders.Length} temporary Scalars (hold each with ToScalar() in a using):\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void Scanner_FindsTheKnownMakers()
    {
        // The scanner itself must see what it is meant to see: TorchSharp's add(x) makes its alpha of 1 inside, and
        // the explicit overload does not.
        var add = typeof(torch.Tensor).GetMethod(nameof(torch.Tensor.add), [typeof(torch.Tensor)])!;
        var addWithAlpha = typeof(torch.Tensor).GetMethod(nameof(torch.Tensor.add), [typeof(torch.Tensor), typeof(Scalar)])!;

        Assert.True(MakesTemporaryScalar(add, []));
        Assert.False(MakesTemporaryScalar(addWithAlpha, []));
    }

    [Fact]
    public void Scanner_FindsANumberConvertedInALambda_AndAMakerCalled_NotTheHeldForm()
    {
        var types = typeof(Samples).GetNestedTypes(BindingFlags.NonPublic).Prepend(typeof(Samples));

        var offenders = Offenders(types).Distinct().ToArray();

        Assert.Contains(offenders, o => o.Contains(".<Halved>", StringComparison.Ordinal) && o.EndsWith("a number converted to a Scalar", StringComparison.Ordinal));
        Assert.Contains(offenders, o => o.Contains(".Summed:", StringComparison.Ordinal) && o.Contains("op_Addition", StringComparison.Ordinal));
        Assert.DoesNotContain(offenders, o => o.Contains(".Held:", StringComparison.Ordinal));
    }

    /// <summary>Known answers for the scanner: two temporaries and the held form.</summary>
    private static class Samples
    {
        public static Func<torch.Tensor, torch.Tensor> Halved() => t => t.mul(0.5);

        public static torch.Tensor Summed(torch.Tensor a, torch.Tensor b) => a + b;

        public static torch.Tensor Held(torch.Tensor t)
        {
            using var half = 0.5.ToScalar();
            return t.mul(half);
        }
    }
}
