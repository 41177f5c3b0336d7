namespace FilmTrip.Hook.Cli;

/// <summary>The CLI's exit codes: the contract scripts rely on (listed in <c>filmtrip-hook --help</c>).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>A followed deploy failed, check-config found problems, or the daemon refused the request.</summary>
    public const int Failed = 1;
    public const int Unreachable = 2;
    public const int Unauthorized = 3;
    /// <summary>Unknown service, deploy or commit.</summary>
    public const int NotFound = 4;
    /// <summary>Bad command line or unreadable configuration (sysexits' EX_USAGE).</summary>
    public const int Usage = 64;
}

/// <summary>Ends a command with one line on stderr and an exit code; never a stack trace.</summary>
internal sealed class CliFailure(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
