using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace HaMaster.HelpGenerator;

/// <summary>An example: the code to type and what it does.</summary>
internal sealed record ExampleDoc(string? Title, string Code, IReadOnlyList<string> Remarks);

/// <summary>What a cmdlet class's documentation comment says.</summary>
internal sealed record CommandDoc(
    string? Synopsis,
    IReadOnlyList<string> Description,
    IReadOnlyList<ExampleDoc> Examples,
    IReadOnlyList<string> Returns,
    IReadOnlyList<string> Notes,
    IReadOnlyList<string> SeeAlso);

/// <summary>
/// The compiler's XML documentation file, read for cmdlet classes and their parameters.
/// A cmdlet class documents itself with
/// <c>&lt;summary&gt;&lt;para type="synopsis"&gt;…&lt;/para&gt;&lt;para type="description"&gt;…&lt;/para&gt;&lt;/summary&gt;</c>,
/// any number of <c>&lt;example&gt;&lt;code&gt;…&lt;/code&gt;&lt;para&gt;…&lt;/para&gt;&lt;/example&gt;</c>
/// (an optional <c>title</c> attribute names the example), <c>&lt;returns&gt;</c> for its output,
/// <c>&lt;remarks&gt;</c> for notes and <c>&lt;seealso cref="…"/&gt;</c> for related cmdlets.
/// A parameter is documented by its property's <c>&lt;summary&gt;</c>.
/// </summary>
internal sealed partial class DocComments
{
    private readonly Dictionary<string, XElement> _members = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, string> _cmdletNames;

    /// <param name="cmdletNames">Documentation id of each cmdlet class ("T:…") to its cmdlet name, so that cref links read as cmdlet names.</param>
    public DocComments(string file, IReadOnlyDictionary<string, string> cmdletNames)
    {
        _cmdletNames = cmdletNames;
        var document = XDocument.Load(file, LoadOptions.PreserveWhitespace);
        foreach (var member in document.Descendants("member"))
        {
            var name = (string?)member.Attribute("name");
            if (name is not null) _members[name] = member;
        }
    }

    public static string IdOf(Type type) => "T:" + (type.FullName ?? type.Name).Replace('+', '.');

    public static string IdOf(MemberInfo member) =>
        (member is PropertyInfo ? "P:" : "F:") + IdOf(member.DeclaringType!)[2..] + "." + member.Name;

    public CommandDoc ForCommand(Type type)
    {
        if (!_members.TryGetValue(IdOf(type), out var member))
            return new CommandDoc(null, [], [], [], [], []);
        var summary = member.Element("summary");
        var typed = summary?.Elements("para").Where(p => p.Attribute("type") is not null).ToList() ?? [];
        string? synopsis;
        List<string> description;
        if (typed.Count > 0)
        {
            synopsis = typed.Where(p => (string?)p.Attribute("type") == "synopsis").SelectMany(Paragraphs).FirstOrDefault();
            description = typed.Where(p => (string?)p.Attribute("type") == "description").SelectMany(Paragraphs).ToList();
        }
        else
        {
            // A plain summary: its first paragraph is the synopsis, all of it the description.
            description = summary is null ? [] : Paragraphs(summary).ToList();
            synopsis = description.FirstOrDefault();
        }

        var examples = member.Elements("example").Select(ReadExample).Where(e => e is not null).Select(e => e!).ToList();
        var returns = member.Elements("returns").SelectMany(Paragraphs).ToList();
        var notes = member.Elements("remarks").SelectMany(Paragraphs).ToList();
        var seeAlso = member.Elements("seealso").Select(Inline).Where(s => s.Length > 0).ToList();
        return new CommandDoc(synopsis, description, examples, returns, notes, seeAlso);
    }

    /// <summary>The paragraphs of a parameter's summary; empty when it has none.</summary>
    public IReadOnlyList<string> ForMember(MemberInfo member) =>
        _members.TryGetValue(IdOf(member), out var element) && element.Element("summary") is { } summary
            ? Paragraphs(summary).ToList()
            : [];

    private ExampleDoc? ReadExample(XElement example)
    {
        var code = example.Elements("code").Select(c => Dedent(c.Value)).Where(c => c.Length > 0).ToList();
        if (code.Count == 0) return null;
        var remarks = new List<string>();
        var loose = new StringBuilder();
        foreach (var node in example.Nodes())
        {
            switch (node)
            {
                case XElement { Name.LocalName: "code" }:
                    break;
                case XElement { Name.LocalName: "para" } para:
                    Flush(loose, remarks);
                    remarks.AddRange(Paragraphs(para));
                    break;
                case XElement element:
                    loose.Append(Inline(element));
                    break;
                case XText text:
                    loose.Append(text.Value);
                    break;
            }
        }
        Flush(loose, remarks);
        return new ExampleDoc((string?)example.Attribute("title"), string.Join("\n", code), remarks);
    }

    /// <summary>Splits an element into paragraphs of plain text: one per &lt;para&gt;, one per list item, one for loose text between them.</summary>
    private IEnumerable<string> Paragraphs(XElement element)
    {
        var result = new List<string>();
        var current = new StringBuilder();
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XText text:
                    current.Append(text.Value);
                    break;
                case XElement { Name.LocalName: "para" } para:
                    Flush(current, result);
                    result.AddRange(Paragraphs(para));
                    break;
                case XElement { Name.LocalName: "list" } list:
                    Flush(current, result);
                    foreach (var item in list.Elements("item"))
                    {
                        var term = item.Element("term") is { } t ? Collapse(Inline(t)) : null;
                        var body = item.Element("description") is { } d ? Collapse(Inline(d)) : Collapse(Inline(item));
                        result.Add("- " + (term is { Length: > 0 } ? $"{term}: {body}" : body));
                    }
                    break;
                case XElement { Name.LocalName: "code" } code:
                    Flush(current, result);
                    result.Add(Dedent(code.Value));
                    break;
                case XElement inline:
                    current.Append(Inline(inline));
                    break;
            }
        }
        Flush(current, result);
        return result;
    }

    /// <summary>The text of an inline element: cref links become cmdlet names or -Parameter names.</summary>
    private string Inline(XElement element)
    {
        switch (element.Name.LocalName)
        {
            case "see" or "seealso":
                if (element.Value.Trim().Length > 0) return element.Value;
                if ((string?)element.Attribute("langword") is { } word)
                    return word is "null" or "true" or "false" ? "$" + word : word;
                if ((string?)element.Attribute("href") is { } href) return href;
                return CrefText((string?)element.Attribute("cref") ?? "");
            case "paramref" or "typeparamref":
                return (string?)element.Attribute("name") ?? "";
            default:
                var text = new StringBuilder();
                foreach (var node in element.Nodes())
                    text.Append(node switch { XText t => t.Value, XElement e => Inline(e), _ => "" });
                return text.ToString();
        }
    }

    private string CrefText(string cref)
    {
        if (_cmdletNames.TryGetValue(cref, out var cmdlet)) return cmdlet;
        var name = cref.Contains('(') ? cref[..cref.IndexOf('(')] : cref;
        var last = name[(name.LastIndexOf('.') + 1)..];
        return cref.StartsWith("P:", StringComparison.Ordinal) ? "-" + last : last;
    }

    private static void Flush(StringBuilder text, List<string> into)
    {
        var paragraph = Collapse(text.ToString());
        if (paragraph.Length > 0) into.Add(paragraph);
        text.Clear();
    }

    private static string Collapse(string text) => Whitespace().Replace(text, " ").Trim();

    /// <summary>Code as written: surrounding blank lines dropped, the common indentation removed.</summary>
    private static string Dedent(string code)
    {
        var lines = code.Replace("\r\n", "\n").Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[0].Length == 0) lines.RemoveAt(0);
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        if (lines.Count == 0) return "";
        var indent = lines.Where(l => l.Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l));
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
