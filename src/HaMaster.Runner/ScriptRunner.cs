using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;

namespace HaMaster.Runner;

/// <summary>Runs a PowerShell script in the hosted engine with the HaMaster module imported.</summary>
public static class ScriptRunner
{
    /// <summary>The module manifest shipped beside this program.</summary>
    public static string ModuleManifest => Path.Combine(AppContext.BaseDirectory, "HaMaster.psd1");

    public static Runspace OpenRunspace(PSHost host)
    {
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(ModuleManifest);
        var runspace = RunspaceFactory.CreateRunspace(host, state);
        runspace.Open();
        // The same text whatever the terminal: no ANSI colour sequences in output.
        using var plain = PowerShell.Create();
        plain.Runspace = runspace;
        plain.AddScript("$PSStyle.OutputRendering = 'PlainText'; $PSStyle.Formatting.TableHeader = ''; $PSStyle.Formatting.FormatAccent = ''").Invoke();
        return runspace;
    }

    /// <returns>0 when the script ran without errors, 1 otherwise.</returns>
    public static int Run(string scriptPath, IReadOnlyList<string> arguments, TextWriter output)
    {
        var host = new ConsoleHost(output);
        using var runspace = OpenRunspace(host);
        using var shell = PowerShell.Create();
        shell.Runspace = runspace;
        shell.AddCommand(Path.GetFullPath(scriptPath));
        foreach (var argument in arguments) shell.AddArgument(argument);
        shell.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
        shell.AddCommand("Out-Default");
        try
        {
            shell.Invoke();
        }
        catch (RuntimeException e)
        {
            output.WriteLine(e.ErrorRecord.ToString());
            return 1;
        }
        return host.ExitCode ?? (shell.HadErrors ? 1 : 0);
    }
}
