using System.Net;
using System.Text.Json;

namespace HaMaster.Endpoint;

/// <summary>Connection settings for this replica's own etcd member (mutual TLS).</summary>
public sealed record EtcdClientConfig(Uri Endpoint, string CaFile, string CertFile, string KeyFile);

/// <summary>
/// The validated contents of the endpoint's JSON config file. Relative file paths are resolved
/// against the directory of the config file. <paramref name="ClientCaFile"/> names the authorities
/// whose client certificates are authenticated (kube-apiserver's --client-ca-file); without it no
/// client is, and only the public paths answer.
/// </summary>
public sealed record EndpointConfig(
    string Replica,
    IReadOnlyList<IPEndPoint> Listen,
    string CertFile,
    string KeyFile,
    EtcdClientConfig Etcd,
    string GitVersion,
    string? ClientCaFile = null)
{
    public const string DefaultGitVersion = "v1.31.0-hamaster-standin";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <exception cref="EndpointConfigException">The file is missing, unreadable or invalid.</exception>
    public static EndpointConfig Load(string path)
    {
        string fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
            throw new EndpointConfigException($"config file not found: {fullPath}");

        ConfigDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<ConfigDocument>(File.ReadAllText(fullPath), JsonOptions);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new EndpointConfigException($"cannot read config file {fullPath}: {e.Message}", e);
        }
        if (document is null)
            throw new EndpointConfigException($"config file {fullPath} is empty");

        string baseDirectory = Path.GetDirectoryName(fullPath)!;
        return FromDocument(document, baseDirectory);
    }

    private static EndpointConfig FromDocument(ConfigDocument document, string baseDirectory)
    {
        string replica = Required(document.Replica, "replica");
        IReadOnlyList<IPEndPoint> listen = ParseListenAddresses(document.Listen);
        EtcdDocument etcd = document.Etcd ?? throw new EndpointConfigException("config field 'etcd' is missing");

        return new EndpointConfig(
            Replica: replica,
            Listen: listen,
            CertFile: RequiredPath(document.CertFile, "certFile", baseDirectory),
            KeyFile: RequiredPath(document.KeyFile, "keyFile", baseDirectory),
            Etcd: new EtcdClientConfig(
                Endpoint: ParseEtcdEndpoint(etcd.Endpoint),
                CaFile: RequiredPath(etcd.CaFile, "etcd.caFile", baseDirectory),
                CertFile: RequiredPath(etcd.CertFile, "etcd.certFile", baseDirectory),
                KeyFile: RequiredPath(etcd.KeyFile, "etcd.keyFile", baseDirectory)),
            GitVersion: string.IsNullOrWhiteSpace(document.GitVersion) ? DefaultGitVersion : document.GitVersion.Trim(),
            ClientCaFile: string.IsNullOrWhiteSpace(document.ClientCaFile) ? null : RequiredPath(document.ClientCaFile, "clientCaFile", baseDirectory));
    }

    private static IReadOnlyList<IPEndPoint> ParseListenAddresses(List<string>? entries)
    {
        if (entries is null || entries.Count == 0)
            throw new EndpointConfigException("config field 'listen' must name at least one address:port");

        var addresses = new List<IPEndPoint>();
        foreach (string entry in entries)
        {
            if (!IPEndPoint.TryParse(entry?.Trim() ?? "", out IPEndPoint? address) || address.Port == 0)
                throw new EndpointConfigException($"config field 'listen': '{entry}' is not an IP address with a port");
            if (!addresses.Contains(address))
                addresses.Add(address);
        }
        return addresses;
    }

    private static Uri ParseEtcdEndpoint(string? value)
    {
        string text = Required(value, "etcd.endpoint");
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || uri.Scheme != Uri.UriSchemeHttps)
            throw new EndpointConfigException($"config field 'etcd.endpoint': '{text}' is not an https:// URL");
        return uri;
    }

    private static string Required(string? value, string field) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new EndpointConfigException($"config field '{field}' is missing")
            : value.Trim();

    private static string RequiredPath(string? value, string field, string baseDirectory) =>
        Path.GetFullPath(Required(value, field), baseDirectory);

    internal sealed class ConfigDocument
    {
        public string? Replica { get; set; }
        public List<string>? Listen { get; set; }
        public string? CertFile { get; set; }
        public string? KeyFile { get; set; }
        public EtcdDocument? Etcd { get; set; }
        public string? GitVersion { get; set; }
        public string? ClientCaFile { get; set; }
    }

    internal sealed class EtcdDocument
    {
        public string? Endpoint { get; set; }
        public string? CaFile { get; set; }
        public string? CertFile { get; set; }
        public string? KeyFile { get; set; }
    }
}
