using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VaeAnomaly.Training;

/// <summary>
/// Adam (Kingma &amp; Ba, 2015) written on in-place tensor operations whose scalar arguments are created
/// explicitly and disposed after each native call.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's own Adam passes implicitly converted <see cref="Scalar"/> values to native code and
/// leaves them to finalizers (dotnet/TorchSharp#1496); under garbage-collection pressure, as when several
/// trainings run in parallel, a finaliser can free one during the call and libtorch fails in
/// <c>Scalar::toFloat</c>. Holding every scalar in a <c>using</c> keeps it alive until the call returns.
/// The update is PyTorch's Adam, with its optional L2 weight decay and without AMSGrad.
/// </remarks>
internal sealed class AdamOptimizer : IDisposable
{
    private readonly Parameter[] parameters;
    private readonly Tensor[] firstMoment, secondMoment;
    private readonly double beta1, beta2, epsilon;
    private long step;

    /// <summary>Creates the optimiser with zero moments.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">Step size.</param>
    /// <param name="beta1">Decay of the first moment.</param>
    /// <param name="beta2">Decay of the second moment.</param>
    /// <param name="epsilon">Added to the root of the second moment.</param>
    public AdamOptimizer(IEnumerable<Parameter> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        this.parameters = parameters.ToArray();
        LearningRate = learningRate;
        (this.beta1, this.beta2, this.epsilon) = (beta1, beta2, epsilon);
        using var noGrad = no_grad();
        firstMoment = this.parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        secondMoment = this.parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
    }

    /// <summary>Step size of the next <see cref="Step"/>.</summary>
    public double LearningRate { get; set; }

    /// <summary>L2 penalty weight added to each gradient before the update (PyTorch Adam's <c>weight_decay</c>); 0 by default.</summary>
    public double WeightDecay { get; set; }

    /// <summary>Sets every parameter's gradient to zero.</summary>
    public void ZeroGrad()
    {
        foreach (var p in parameters)
        {
            p.grad?.zero_();
        }
    }

    /// <summary>One Adam update of every parameter that has a gradient.</summary>
    public void Step()
    {
        step++;
        var correction1 = 1 - Math.Pow(beta1, step);
        var correction2 = 1 - Math.Pow(beta2, step);
        using var noGrad = no_grad();
        using var b1 = beta1.ToScalar();
        using var oneMinusB1 = (1 - beta1).ToScalar();
        using var b2 = beta2.ToScalar();
        using var oneMinusB2 = (1 - beta2).ToScalar();
        using var rootCorrection2 = Math.Sqrt(correction2).ToScalar();
        using var eps = epsilon.ToScalar();
        using var stepSize = (-LearningRate / correction1).ToScalar();
        using var decay = WeightDecay.ToScalar();
        using var one = 1.0.ToScalar(); // add_(Scalar) would create its alpha implicitly, which the GC may collect mid-call
        for (var i = 0; i < parameters.Length; i++)
        {
            var raw = parameters[i].grad;
            if (raw is null)
            {
                continue;
            }

            using var decayed = WeightDecay > 0 ? raw.add(parameters[i], decay) : null;
            var grad = decayed ?? raw;

            firstMoment[i].mul_(b1).add_(grad, oneMinusB1);
            secondMoment[i].mul_(b2).addcmul_(grad, grad, oneMinusB2);
            using var denominator = secondMoment[i].sqrt().div_(rootCorrection2).add_(eps, one);
            parameters[i].addcdiv_(firstMoment[i], denominator, stepSize);
        }
    }

    /// <summary>Number of updates made so far (the bias corrections depend on it).</summary>
    public long Steps => step;

    /// <summary>The running first and second moments, one pair per parameter in order (live tensors: copy them to keep).</summary>
    public IReadOnlyList<(Tensor First, Tensor Second)> Moments => [.. firstMoment.Zip(secondMoment)];

    /// <summary>Continues from a saved state: copies the moments in place and sets the update count.</summary>
    /// <param name="moments">One pair per parameter, shaped like it.</param>
    /// <param name="steps">Updates made before.</param>
    public void Restore(IReadOnlyList<(Tensor First, Tensor Second)> moments, long steps)
    {
        if (moments.Count != parameters.Length)
        {
            throw new ArgumentException($"Expected moments of {parameters.Length} parameters, got {moments.Count}.", nameof(moments));
        }

        using var noGrad = no_grad();
        for (var i = 0; i < parameters.Length; i++)
        {
            firstMoment[i].copy_(moments[i].First);
            secondMoment[i].copy_(moments[i].Second);
        }

        step = steps;
    }

    /// <summary>Releases the moment tensors.</summary>
    public void Dispose()
    {
        foreach (var t in firstMoment.Concat(secondMoment))
        {
            t.Dispose();
        }
    }
}
