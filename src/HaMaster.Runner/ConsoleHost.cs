using System.Globalization;
using System.Management.Automation.Host;

namespace HaMaster.Runner;

/// <summary>
/// A minimal PowerShell host that writes everything, formatted output included (Out-Default),
/// to a TextWriter at a fixed width. Used by the script runner and by tests that check what a
/// user sees.
/// </summary>
public sealed class ConsoleHost : PSHost
{
    private readonly Guid _id = Guid.NewGuid();

    public ConsoleHost(TextWriter output, int width = 120) => UI = new ConsoleHostUserInterface(output, width);

    public override string Name => "HaMaster.Runner";
    public override Version Version => typeof(ConsoleHost).Assembly.GetName().Version ?? new Version(0, 1);
    public override Guid InstanceId => _id;
    public override PSHostUserInterface UI { get; }
    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
    public int? ExitCode { get; private set; }

    public override void SetShouldExit(int exitCode) => ExitCode = exitCode;
    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
}
