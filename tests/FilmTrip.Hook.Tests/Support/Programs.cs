using System.Diagnostics;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>What a program run to its end said.</summary>
public sealed record ProgramResult(int ExitCode, string Output, string Errors)
{
    /// <summary>Standard output then standard error, for messages and for programs that write to either.</summary>
    public string All => Output + Errors;
}

/// <summary>
/// The tests' one way to run a program to its end: an argv array (never a shell string), both streams read while it
/// runs (a full pipe never blocks it), a deadline after which its whole tree is killed. A program that runs beside
/// the test (the daemon, nginx, a node app) is a <see cref="Daemon"/>, <see cref="NginxServer"/> or its test's own.
/// </summary>
public static class Programs
{
    public static async Task<ProgramResult> RunAsync(string file, IEnumerable<string> args, string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null, string? input = null, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null, UseShellExecute = false,
        };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            if (value is null) start.Environment.Remove(name); else start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not end within {timeout ?? TimeSpan.FromMinutes(2)}");
        }
        return new ProgramResult(process.ExitCode, await output, await errors);
    }

    /// <summary><see cref="RunAsync"/> for synchronous callers (git in a test's set-up), off the test's synchronization context.</summary>
    public static ProgramResult Run(string file, IEnumerable<string> args, string? workingDirectory = null) =>
        Task.Run(() => RunAsync(file, args, workingDirectory)).GetAwaiter().GetResult();

    /// <summary>Runs it and fails the test, with what it said, unless it exits 0; returns standard output.</summary>
    public static string RunChecked(string file, IEnumerable<string> args, string? workingDirectory = null)
    {
        var result = Run(file, args, workingDirectory);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {result.ExitCode}: {result.Errors}");
        return result.Output;
    }
}
