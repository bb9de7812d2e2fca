namespace VaeAnomaly.Training;

/// <summary>Training was cancelled; the checkpoint of the last completed epoch is kept so the run can be resumed.</summary>
/// <param name="epochsDone">Epochs completed and saved in the checkpoint.</param>
/// <param name="epochs">Largest number of epochs of the run.</param>
/// <param name="checkpointDirectory">The folder that holds the checkpoint.</param>
public sealed class TrainingStoppedException(int epochsDone, int epochs, string checkpointDirectory)
    : OperationCanceledException($"Training stopped after epoch {epochsDone} of {epochs}; the checkpoint in '{checkpointDirectory}' is kept.")
{
    /// <summary>Epochs completed and saved in the checkpoint.</summary>
    public int EpochsDone { get; } = epochsDone;

    /// <summary>The folder that holds the checkpoint.</summary>
    public string CheckpointDirectory { get; } = checkpointDirectory;
}
