using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HaMaster.Engine.Credentials;

/// <summary>
/// A kubeconfig file as a YAML tree, changed only where one cluster's entries go: the cluster, user and
/// context of that name are replaced or appended and the current context set; every other node is
/// written back as it was read (its scalars keep their quoting style).
/// </summary>
public sealed class KubeConfigDocument
{
    private static readonly string[] Lists = ["clusters", "users", "contexts"];

    private readonly YamlMappingNode _root;

    private KubeConfigDocument(YamlMappingNode root) => _root = root;

    public static KubeConfigDocument Empty() => new(new YamlMappingNode
    {
        { "apiVersion", "v1" },
        { "kind", "Config" },
        { "preferences", new YamlMappingNode() },
    });

    /// <summary>Reads a kubeconfig; an empty text is an empty kubeconfig.</summary>
    /// <exception cref="FormatException">The text is not YAML, or not shaped like a kubeconfig.</exception>
    public static KubeConfigDocument Parse(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new FormatException($"it is not valid YAML ({e.Start}: {e.Message})", e);
        }
        if (stream.Documents.Count == 0) return Empty();
        if (stream.Documents.Count > 1) throw new FormatException("it holds more than one YAML document");
        var root = stream.Documents[0].RootNode as YamlMappingNode
            ?? throw new FormatException("its top level is not a mapping of kubeconfig fields");
        if (root.Children.TryGetValue("kind", out var kind) && kind is YamlScalarNode { Value: { } value } && value != "Config")
            throw new FormatException($"its kind is '{value}', not 'Config'");
        foreach (var list in Lists)
        {
            if (!root.Children.TryGetValue(list, out var node) || IsNull(node)) continue;
            if (node is not YamlSequenceNode sequence || sequence.Children.Any(item => item is not YamlMappingNode))
                throw new FormatException($"its '{list}' is not a list of named entries");
        }
        return new KubeConfigDocument(root);
    }

    /// <summary>Puts <paramref name="entry"/>'s cluster, user and context in, replacing those of the same name.</summary>
    public void Set(KubeConfigEntry entry)
    {
        Put("clusters", entry.Name, "cluster", new YamlMappingNode
        {
            { "certificate-authority-data", Base64(entry.CertificateAuthorityPem) },
            { "server", entry.Server },
        });
        Put("users", entry.Name, "user", new YamlMappingNode
        {
            { "client-certificate-data", Base64(entry.ClientCertificatePem) },
            { "client-key-data", Base64(entry.ClientKeyPem) },
        });
        Put("contexts", entry.Name, "context", new YamlMappingNode
        {
            { "cluster", entry.Name },
            { "user", entry.Name },
        });
        _root.Children[new YamlScalarNode("current-context")] = new YamlScalarNode(entry.Name);
    }

    public override string ToString()
    {
        var text = new StringWriter();
        new YamlStream(new YamlDocument(_root)).Save(text, assignAnchors: false);
        // The serializer ends the document with "...", which kubectl accepts but never writes.
        var yaml = text.ToString();
        return yaml.EndsWith("...\n", StringComparison.Ordinal) || yaml.EndsWith("..." + Environment.NewLine, StringComparison.Ordinal)
            ? yaml[..yaml.LastIndexOf("...", StringComparison.Ordinal)]
            : yaml;
    }

    private void Put(string list, string name, string field, YamlMappingNode body)
    {
        if (!_root.Children.TryGetValue(list, out var node) || node is not YamlSequenceNode sequence)
            _root.Children[new YamlScalarNode(list)] = sequence = new YamlSequenceNode();
        var entry = new YamlMappingNode { { field, body }, { "name", name } };
        var index = sequence.Children.ToList().FindIndex(item => NameOf(item) == name);
        if (index < 0) sequence.Children.Add(entry);
        else sequence.Children[index] = entry;
    }

    private static string? NameOf(YamlNode item) =>
        item is YamlMappingNode mapping && mapping.Children.TryGetValue("name", out var name) ? (name as YamlScalarNode)?.Value : null;

    private static bool IsNull(YamlNode node) => node is YamlScalarNode { Value: null or "" or "null" or "~" };

    private static string Base64(string pem) => Convert.ToBase64String(Encoding.UTF8.GetBytes(pem));
}
