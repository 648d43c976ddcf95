using System.Management.Automation;
using System.Text;
using System.Xml;

namespace HaMaster.HelpGenerator;

/// <summary>Writes the MAML help file PowerShell reads for binary cmdlets (&lt;Assembly&gt;.dll-Help.xml).</summary>
internal sealed class MamlWriter
{
    private const string Msh = "http://msh";
    private const string Maml = "http://schemas.microsoft.com/maml/2004/10";
    private const string Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private const string Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    private readonly XmlWriter _xml;
    private readonly List<string> _warnings;

    private MamlWriter(XmlWriter xml, List<string> warnings)
    {
        _xml = xml;
        _warnings = warnings;
    }

    /// <returns>What is missing from the documentation, one line each.</returns>
    public static IReadOnlyList<string> Write(Stream output, IReadOnlyList<CommandModel> commands, DocComments docs)
    {
        var warnings = new List<string>();
        var settings = new XmlWriterSettings { Indent = true, IndentChars = "  ", Encoding = new UTF8Encoding(false), NewLineChars = "\n" };
        using (var xml = XmlWriter.Create(output, settings))
        {
            xml.WriteStartDocument();
            xml.WriteComment(" Generated at build time by tools/HaMaster.HelpGenerator from the cmdlets and their XML documentation comments. Do not edit. ");
            xml.WriteStartElement("helpItems", Msh);
            xml.WriteAttributeString("schema", "maml");
            var writer = new MamlWriter(xml, warnings);
            foreach (var command in commands) writer.WriteCommand(command, docs.ForCommand(command.Type), docs, commands);
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
        return warnings;
    }

    private void WriteCommand(CommandModel command, CommandDoc doc, DocComments docs, IReadOnlyList<CommandModel> all)
    {
        Check(doc.Synopsis is { Length: > 0 }, $"{command.Name}: no synopsis (<para type=\"synopsis\">).");
        Check(doc.Description.Count > 0, $"{command.Name}: no description (<para type=\"description\">).");
        Check(doc.Examples.Count >= 2, $"{command.Name}: {doc.Examples.Count} example(s); write at least two (<example><code>).");
        Check(doc.Returns.Count > 0 || command.OutputTypes.Count == 0, $"{command.Name}: its output is not described (<returns>).");

        _xml.WriteStartElement("command", "command", Command);
        _xml.WriteAttributeString("xmlns", "maml", null, Maml);
        _xml.WriteAttributeString("xmlns", "command", null, Command);
        _xml.WriteAttributeString("xmlns", "dev", null, Dev);

        _xml.WriteStartElement("command", "details", Command);
        _xml.WriteElementString("command", "name", Command, command.Name);
        _xml.WriteElementString("command", "verb", Command, command.Verb);
        _xml.WriteElementString("command", "noun", Command, command.Noun);
        Description(doc.Synopsis is null ? [] : [doc.Synopsis]);
        _xml.WriteEndElement();

        Description(doc.Description);

        var descriptions = command.Parameters.ToDictionary(p => p.Name, p => ParameterDescription(command, p, docs));

        _xml.WriteStartElement("command", "syntax", Command);
        var sets = command.ParameterSets;
        foreach (var set in sets.Count == 0 ? [CommandModel.AllSets] : sets)
        {
            _xml.WriteStartElement("command", "syntaxItem", Command);
            _xml.WriteElementString("maml", "name", Maml, command.Name);
            foreach (var parameter in command.Parameters.Where(p => p.Sets.ContainsKey(set) || p.Sets.ContainsKey(CommandModel.AllSets)))
                Parameter(parameter, parameter.In(set), descriptions[parameter.Name], inSyntax: true);
            _xml.WriteEndElement();
        }
        _xml.WriteEndElement();

        _xml.WriteStartElement("command", "parameters", Command);
        foreach (var parameter in command.Parameters)
            Parameter(parameter, null, descriptions[parameter.Name], inSyntax: false);
        _xml.WriteEndElement();

        InputTypes(command);

        _xml.WriteStartElement("command", "returnValues", Command);
        foreach (var output in command.OutputTypes)
        {
            _xml.WriteStartElement("command", "returnValue", Command);
            DevType(output);
            Description(doc.Returns);
            _xml.WriteEndElement();
        }
        _xml.WriteEndElement();

        if (doc.Notes.Count > 0)
        {
            _xml.WriteStartElement("maml", "alertSet", Maml);
            _xml.WriteStartElement("maml", "alert", Maml);
            foreach (var note in doc.Notes) _xml.WriteElementString("maml", "para", Maml, note);
            _xml.WriteEndElement();
            _xml.WriteEndElement();
        }

        _xml.WriteStartElement("command", "examples", Command);
        var number = 0;
        foreach (var example in doc.Examples)
        {
            number++;
            _xml.WriteStartElement("command", "example", Command);
            var title = example.Title is { Length: > 0 } ? $"Example {number}: {example.Title}" : $"Example {number}";
            _xml.WriteElementString("maml", "title", Maml, $"-------------------------- {title} --------------------------");
            _xml.WriteElementString("dev", "code", Dev, example.Code);
            _xml.WriteStartElement("dev", "remarks", Dev);
            foreach (var remark in example.Remarks) _xml.WriteElementString("maml", "para", Maml, remark);
            _xml.WriteElementString("maml", "para", Maml, ""); // a blank line before the next example
            _xml.WriteEndElement();
            _xml.WriteEndElement();
        }
        _xml.WriteEndElement();

        // Related: the cmdlets the comment names, then the others of the same noun.
        var related = doc.SeeAlso
            .Concat(all.Where(c => c.Noun == command.Noun && c.Name != command.Name).Select(c => c.Name))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        _xml.WriteStartElement("maml", "relatedLinks", Maml);
        foreach (var link in related)
        {
            _xml.WriteStartElement("maml", "navigationLink", Maml);
            _xml.WriteElementString("maml", "linkText", Maml, link);
            _xml.WriteElementString("maml", "uri", Maml, link.StartsWith("http", StringComparison.OrdinalIgnoreCase) ? link : "");
            _xml.WriteEndElement();
        }
        _xml.WriteEndElement();

        _xml.WriteEndElement();
    }

    private IReadOnlyList<string> ParameterDescription(CommandModel command, ParameterModel parameter, DocComments docs)
    {
        if (parameter.Member is not null)
        {
            var text = docs.ForMember(parameter.Member);
            Check(text.Count > 0, $"{command.Name}: parameter -{parameter.Name} has no <summary>.");
            return text;
        }
        // -WhatIf and -Confirm come from SupportsShouldProcess, not from a property of the cmdlet.
        return parameter.Name switch
        {
            "WhatIf" => ["Shows what the command would change, and changes nothing: no process, file, address or etcd member is touched."],
            "Confirm" => command.ConfirmImpact >= ConfirmImpact.High
                ? ["Asks for confirmation before the change. This command asks by default because its change cannot be undone; -Confirm:$false (or -Force, where the command has it) answers yes in advance."]
                : ["Asks for confirmation before each change. By default this command does not ask."],
            _ => [],
        };
    }

    /// <param name="set">The parameter's attribute in the syntax item being written; null in the parameter list (where it is merged over every set).</param>
    private void Parameter(ParameterModel parameter, ParameterAttribute? set, IReadOnlyList<string> description, bool inSyntax)
    {
        var mandatory = set?.Mandatory ?? parameter.Mandatory;
        var position = set is not null ? set.Position : parameter.Position;
        var byValue = set?.ValueFromPipeline ?? parameter.ByValue;
        var byName = set?.ValueFromPipelineByPropertyName ?? parameter.ByPropertyName;

        _xml.WriteStartElement("command", "parameter", Command);
        _xml.WriteAttributeString("required", mandatory ? "true" : "false");
        _xml.WriteAttributeString("variableLength", parameter.IsArray ? "true" : "false");
        _xml.WriteAttributeString("globbing", parameter.Globbing ? "true" : "false");
        _xml.WriteAttributeString("pipelineInput", PipelineInput(byValue, byName));
        _xml.WriteAttributeString("position", position >= 0 ? position.ToString(System.Globalization.CultureInfo.InvariantCulture) : "named");
        _xml.WriteAttributeString("aliases", parameter.Aliases.Count > 0 ? string.Join(", ", parameter.Aliases) : "none");
        _xml.WriteElementString("maml", "name", Maml, parameter.Name);
        if (!inSyntax) Description(description);
        if (!(inSyntax && parameter.IsSwitch))
        {
            _xml.WriteStartElement("command", "parameterValue", Command);
            _xml.WriteAttributeString("required", parameter.IsSwitch ? "false" : "true");
            _xml.WriteAttributeString("variableLength", parameter.IsArray ? "true" : "false");
            _xml.WriteString(parameter.TypeName);
            _xml.WriteEndElement();
        }
        if (parameter.ValidValues.Count > 0)
        {
            _xml.WriteStartElement("command", "parameterValueGroup", Command);
            foreach (var value in parameter.ValidValues)
            {
                _xml.WriteStartElement("command", "parameterValue", Command);
                _xml.WriteAttributeString("required", "false");
                _xml.WriteAttributeString("variableLength", "false");
                _xml.WriteString(value);
                _xml.WriteEndElement();
            }
            _xml.WriteEndElement();
        }
        DevType(parameter.ValueType.FullName ?? parameter.TypeName);
        _xml.WriteElementString("dev", "defaultValue", Dev, parameter.DefaultValue);
        _xml.WriteEndElement();
    }

    /// <summary>One input type per parameter type that binds from the pipeline, saying which parameter takes it and how.</summary>
    private void InputTypes(CommandModel command)
    {
        var piped = command.Parameters.Where(p => p.ByValue || p.ByPropertyName).ToList();
        _xml.WriteStartElement("command", "inputTypes", Command);
        foreach (var group in piped.GroupBy(p => p.ValueType.FullName ?? p.TypeName))
        {
            _xml.WriteStartElement("command", "inputType", Command);
            DevType(group.Key);
            Description(group.Select(p =>
            {
                var names = string.Join(" or ", new[] { p.Name }.Concat(p.Aliases));
                var how = (p.ByValue, p.ByPropertyName) switch
                {
                    (true, true) => $"a piped {p.TypeName}, or the {names} property of a piped object",
                    (true, false) => $"a piped {p.TypeName}",
                    _ => $"the {names} property of a piped object",
                };
                return $"-{p.Name} takes {how}.";
            }).ToList());
            _xml.WriteEndElement();
        }
        if (piped.Count == 0)
        {
            _xml.WriteStartElement("command", "inputType", Command);
            DevType("None");
            Description(["This command takes no input from the pipeline."]);
            _xml.WriteEndElement();
        }
        _xml.WriteEndElement();
    }

    private static string PipelineInput(bool byValue, bool byName) => (byValue, byName) switch
    {
        (true, true) => "True (ByValue, ByPropertyName)",
        (true, false) => "True (ByValue)",
        (false, true) => "True (ByPropertyName)",
        _ => "False",
    };

    private void DevType(string name)
    {
        _xml.WriteStartElement("dev", "type", Dev);
        _xml.WriteElementString("maml", "name", Maml, name);
        _xml.WriteElementString("maml", "uri", Maml, "");
        _xml.WriteEndElement();
    }

    private void Description(IReadOnlyList<string> paragraphs)
    {
        _xml.WriteStartElement("maml", "description", Maml);
        foreach (var paragraph in paragraphs) _xml.WriteElementString("maml", "para", Maml, paragraph);
        _xml.WriteEndElement();
    }

    private void Check(bool condition, string warning)
    {
        if (!condition) _warnings.Add(warning);
    }
}
