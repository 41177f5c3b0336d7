namespace FilmTrip.Hook.Deploys;

/// <summary>A deploy step failed for a reason worth showing to the operator as it is.</summary>
public sealed class DeployFailedException(string reason, int? exitCode = null, Exception? inner = null) : Exception(reason, inner)
{
    public int? ExitCode { get; } = exitCode;
}
