namespace VaeAnomaly.Training;

/// <summary>One row of training history. Losses are per sequence: squared error summed over its real steps and channels, KL in nats.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Epochs">Largest number of epochs of the run.</param>
/// <param name="TrainReconstruction">Mean training reconstruction loss (sampled z).</param>
/// <param name="TrainKl">Mean training KL.</param>
/// <param name="TrainTotal">Mean training objective with the epoch's beta.</param>
/// <param name="ValidationReconstruction">Validation reconstruction loss (posterior mean).</param>
/// <param name="ValidationKl">Validation KL.</param>
/// <param name="ValidationTotal">Validation objective with the full beta: what early stopping watches.</param>
/// <param name="LearningRate">Learning rate used.</param>
/// <param name="Beta">Beta used (below the full value during KL warm-up).</param>
/// <param name="Seconds">Wall time of the epoch, validation included.</param>
/// <param name="IsBest">True when this epoch's validation objective is the best so far.</param>
public sealed record EpochReport(
    int Epoch,
    int Epochs,
    double TrainReconstruction,
    double TrainKl,
    double TrainTotal,
    double ValidationReconstruction,
    double ValidationKl,
    double ValidationTotal,
    double LearningRate,
    double Beta,
    double Seconds,
    bool IsBest);
