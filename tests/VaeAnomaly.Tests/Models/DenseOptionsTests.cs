using VaeAnomaly.Models;

namespace VaeAnomaly.Tests.Models;

public sealed class DenseOptionsTests
{
    public static TheoryData<DenseOptions, string> OutOfRange => new()
    {
        { DenseOptions.Vae with { Dropout = 1 }, "Dropout must lie in [0, 1); got 1." },
        { DenseOptions.Vae with { WeightDecay = double.PositiveInfinity }, "Weight decay must be a finite number, 0 or more; got Infinity." },
        { DenseOptions.Vae with { Beta = -0.5 }, "Beta must be a finite number, 0 or more; got -0.5." },
        { DenseOptions.Vae with { Epochs = -1 }, "Epochs must be at least 1; got -1." },
        { DenseOptions.Vae with { BatchSize = 0 }, "Batch size must lie in 1..65536; got 0." },
        { DenseOptions.Vae with { LearningRate = double.NaN }, "Learning rate must be a positive finite number; got NaN." },
        { DenseOptions.Vae with { Patience = -2 }, "Patience must not be negative; got -2." },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Validate_OneSettingOutOfRange_NamesItAndTheValueGiven(DenseOptions options, string expected)
    {
        // Before, one message listed every rule, so a library user could not tell which setting it meant
        Assert.Equal(expected, Assert.Throws<ArgumentException>(options.Validate).Message);
    }
}
