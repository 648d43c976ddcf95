using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace HaMaster.Tests;

/// <summary>A host that answers every confirmation prompt "No" and records the prompts it was shown.</summary>
public sealed class AnsweringHost(PSHost inner) : PSHost
{
    private readonly AnsweringUserInterface _ui = new(inner.UI);

    public IReadOnlyList<string> Prompts => _ui.Prompts;
    public void ForgetPrompts() => _ui.Prompts.Clear();

    public override string Name => "HaMaster test host";
    public override Version Version => inner.Version;
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override PSHostUserInterface UI => _ui;
    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
    public override void SetShouldExit(int exitCode) { }
    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }

    private sealed class AnsweringUserInterface(PSHostUserInterface inner) : PSHostUserInterface
    {
        public List<string> Prompts { get; } = [];

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            Prompts.Add($"{caption}: {message}");
            var no = choices.Select((c, i) => (c.Label.Replace("&", ""), i)).First(c => c.Item1 == "No").i;
            return no;
        }

        public override PSHostRawUserInterface RawUI => inner.RawUI;
        public override string ReadLine() => inner.ReadLine();
        public override SecureString ReadLineAsSecureString() => inner.ReadLineAsSecureString();
        public override void Write(string value) => inner.Write(value);
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => inner.Write(foregroundColor, backgroundColor, value);
        public override void WriteLine(string value) => inner.WriteLine(value);
        public override void WriteErrorLine(string value) => inner.WriteErrorLine(value);
        public override void WriteDebugLine(string message) => inner.WriteDebugLine(message);
        public override void WriteProgress(long sourceId, ProgressRecord record) => inner.WriteProgress(sourceId, record);
        public override void WriteVerboseLine(string message) => inner.WriteVerboseLine(message);
        public override void WriteWarningLine(string message) => inner.WriteWarningLine(message);
        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) => inner.Prompt(caption, message, descriptions);
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => inner.PromptForCredential(caption, message, userName, targetName);
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            inner.PromptForCredential(caption, message, userName, targetName, allowedCredentialTypes, options);
    }
}
