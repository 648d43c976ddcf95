using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace HaMaster.Runner;

/// <summary>Writes host output to a TextWriter; never prompts (a script runner has no one to ask).</summary>
internal sealed partial class ConsoleHostUserInterface : PSHostUserInterface
{
    private readonly TextWriter _output;

    public ConsoleHostUserInterface(TextWriter output, int width)
    {
        _output = output;
        RawUI = new FixedSizeRawUserInterface(width);
    }

    public override PSHostRawUserInterface RawUI { get; }

    public override void Write(string value) => _output.Write(Plain(value));
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => _output.Write(Plain(value));
    public override void WriteLine(string value) => _output.WriteLine(Plain(value));
    public override void WriteErrorLine(string value) => _output.WriteLine(Plain(value));
    public override void WriteDebugLine(string message) => _output.WriteLine($"DEBUG: {message}");
    public override void WriteVerboseLine(string message) => _output.WriteLine($"VERBOSE: {message}");
    public override void WriteWarningLine(string message) => _output.WriteLine($"WARNING: {message}");
    public override void WriteProgress(long sourceId, ProgressRecord record) { }

    public override string ReadLine() => throw NoPrompt();
    public override SecureString ReadLineAsSecureString() => throw NoPrompt();
    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) => throw NoPrompt();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw NoPrompt();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw NoPrompt();
    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) => throw NoPrompt();

    /// <summary>The same text whatever the terminal: the formatter's colour sequences are removed.</summary>
    private static string Plain(string value) => AnsiSequence().Replace(value, "");

    [System.Text.RegularExpressions.GeneratedRegex("\u001b\\[[0-9;]*[A-Za-z]")]
    private static partial System.Text.RegularExpressions.Regex AnsiSequence();

    private static PSInvalidOperationException NoPrompt() =>
        new("The script runner cannot ask questions.");
}
