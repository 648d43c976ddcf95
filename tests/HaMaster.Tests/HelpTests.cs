using System.Collections;
using System.Management.Automation;

namespace HaMaster.Tests;

/// <summary>
/// Get-Help -Full, for every exported cmdlet, shows what the generated MAML file
/// (HaMaster.dll-Help.xml, built from the C# documentation comments) says: a synopsis, a
/// description, every parameter described, at least two examples and the output type.
/// </summary>
public sealed class HelpTests : IDisposable
{
    private const string HelpFile = "HaMaster.dll-Help.xml";

    private readonly PowerShellSession _ps = new();

    [Fact]
    public void The_MAML_help_file_is_beside_the_module()
    {
        var module = _ps.Get<PSModuleInfo>("Get-Module HaMaster").Single();
        Assert.True(File.Exists(Path.Combine(module.ModuleBase, HelpFile)), $"{HelpFile} is missing beside the module; the build generates it.");
    }

    [Fact]
    public void Every_cmdlet_has_full_help()
    {
        var cmdlets = _ps.Get<CmdletInfo>("Get-Command -Module HaMaster -CommandType Cmdlet");
        Assert.NotEmpty(cmdlets);
        var problems = cmdlets.SelectMany(HelpProblems).ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Replace_MasterReplica_shows_the_help_of_Repair_MasterReplica()
    {
        var help = Help("Replace-MasterReplica");
        Assert.Equal("Repair-MasterReplica", Text(Property(help, "Name")));
        Assert.NotEmpty(Text(Property(help, "description")));
        Assert.True(Items(Property(Property(help, "examples"), "example")).Count() >= 2);
    }

    private IEnumerable<string> HelpProblems(CmdletInfo cmdlet)
    {
        var name = cmdlet.Name;
        var help = Help(name);

        var synopsis = Text(Property(help, "Synopsis"));
        if (synopsis.Length == 0)
            yield return $"{name}: empty synopsis";
        else if (synopsis.StartsWith(name, StringComparison.OrdinalIgnoreCase) || synopsis.Contains("<CommonParameters>", StringComparison.Ordinal))
            yield return $"{name}: the synopsis is PowerShell's syntax stub (no MAML help found): {synopsis}";
        if (Text(Property(Property(help, "details"), "description")) != synopsis)
            yield return $"{name}: details.description does not hold the synopsis";
        if (Text(Property(help, "description")).Length == 0)
            yield return $"{name}: empty description";

        var examples = Items(Property(Property(help, "examples"), "example")).ToList();
        if (examples.Count < 2)
            yield return $"{name}: {examples.Count} example(s), at least 2 expected";
        foreach (var example in examples)
        {
            var code = Text(Property(example, "code"));
            if (code.Length == 0) yield return $"{name}: an example without code ({Text(Property(example, "title"))})";
            if (Text(Property(example, "remarks")).Length == 0) yield return $"{name}: the example '{code}' says nothing about what it does";
        }

        var documented = Items(Property(Property(help, "parameters"), "parameter"))
            .ToDictionary(p => Text(Property(p, "name")), StringComparer.OrdinalIgnoreCase);
        var actual = cmdlet.Parameters.Values.Where(p => !Cmdlet.CommonParameters.Contains(p.Name)).ToList();
        foreach (var parameter in actual)
        {
            if (!documented.TryGetValue(parameter.Name, out var entry))
            {
                yield return $"{name}: parameter -{parameter.Name} is missing from the help";
                continue;
            }
            if (Text(Property(entry, "description")).Length == 0)
                yield return $"{name}: parameter -{parameter.Name} has no description";
            var mandatory = parameter.ParameterSets.Values.All(s => s.IsMandatory);
            if (!string.Equals(Text(Property(entry, "required")), mandatory ? "true" : "false", StringComparison.OrdinalIgnoreCase))
                yield return $"{name}: parameter -{parameter.Name} is {(mandatory ? "" : "not ")}mandatory, the help says required={Text(Property(entry, "required"))}";
            var byValue = parameter.ParameterSets.Values.Any(s => s.ValueFromPipeline);
            var byName = parameter.ParameterSets.Values.Any(s => s.ValueFromPipelineByPropertyName);
            var pipeline = Text(Property(entry, "pipelineInput"));
            if (pipeline.Contains("ByValue", StringComparison.Ordinal) != byValue || pipeline.Contains("ByPropertyName", StringComparison.Ordinal) != byName)
                yield return $"{name}: parameter -{parameter.Name} pipeline input is ByValue={byValue} ByPropertyName={byName}, the help says '{pipeline}'";
        }
        foreach (var extra in documented.Keys.Where(k => !actual.Any(p => p.Name.Equals(k, StringComparison.OrdinalIgnoreCase))))
            yield return $"{name}: the help documents -{extra}, which the cmdlet does not have";

        var returned = Items(Property(Property(help, "returnValues"), "returnValue"))
            .Select(r => Text(Property(Property(r, "type"), "name"))).ToList();
        if (cmdlet.OutputType.Count == 0)
            yield return $"{name}: declares no OutputType";
        foreach (var output in cmdlet.OutputType)
        {
            if (!returned.Contains(output.Name))
                yield return $"{name}: the help's return values ({string.Join(", ", returned)}) do not name the output type {output.Name}";
        }
        var returnDescriptions = Items(Property(Property(help, "returnValues"), "returnValue")).Select(r => Text(Property(r, "description")));
        if (returnDescriptions.Any(d => d.Length == 0))
            yield return $"{name}: a return value without a description";
    }

    /// <summary>The help object itself (a PSObject made of note properties), not its base object.</summary>
    private PSObject Help(string name)
    {
        using var shell = PowerShell.Create();
        shell.Runspace = _ps.Runspace;
        shell.AddCommand("Get-Help").AddParameter("Name", name).AddParameter("Full");
        var output = shell.Invoke();
        Assert.False(shell.HadErrors, $"Get-Help {name} -Full failed: {string.Join("; ", shell.Streams.Error)}");
        return Assert.Single(output);
    }

    private static object? Property(object? value, string name) =>
        value is null ? null : PSObject.AsPSObject(value).Properties[name]?.Value;

    private static IEnumerable<object> Items(object? value)
    {
        var unwrapped = value is PSObject { BaseObject: var inner and not PSCustomObject } ? inner : value;
        return unwrapped switch
        {
            null => [],
            string => [value!],
            IEnumerable items => items.Cast<object?>().Where(i => i is not null).Select(i => i!),
            _ => [value!],
        };
    }

    /// <summary>The text of a help node: a string, or the Text of each paragraph object, joined.</summary>
    private static string Text(object? value) =>
        string.Join("\n", Items(value).Select(item => item switch
        {
            string s => s,
            _ when Property(item, "Text") is { } text => text.ToString(),
            PSObject { BaseObject: string s } => s,
            _ => item.ToString(),
        }).Select(s => s?.Trim() ?? "").Where(s => s.Length > 0));

    public void Dispose() => _ps.Dispose();
}
