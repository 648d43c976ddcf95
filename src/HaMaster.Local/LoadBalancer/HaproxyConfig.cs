using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace HaMaster.Local.LoadBalancer;

/// <summary>Renders the HAProxy configuration of one cluster's load balancer.</summary>
internal static partial class HaproxyConfig
{
    public const string FrontendName = "cluster";
    public const string BackendName = "replicas";

    public static string Render(LoadBalancerSpec spec)
    {
        Validate(spec);
        var files = HaproxyFiles.For(spec.Directory);
        var config = new StringBuilder();
        config.AppendLine("# Written by HaMaster; local changes are overwritten.");
        config.AppendLine("global");
        // expose-fd lets the next worker take over the listening sockets on reload without a gap.
        config.AppendLine($"    stats socket {Quote(files.SocketPath)} mode 600 level admin expose-fd listeners");
        // Workers replaced by a reload drop their remaining connections after this, instead of piling up.
        config.AppendLine("    hard-stop-after 30s");
        // A reload saves each server's state here first, so the next worker starts every server that
        // stays from the health the previous one saw, instead of from a first check still pending.
        config.AppendLine($"    server-state-file {Quote(files.ServerStatePath)}");
        config.AppendLine();
        config.AppendLine("defaults");
        config.AppendLine("    mode tcp");
        config.AppendLine("    load-server-state-from-file global");
        config.AppendLine("    timeout connect 2s");
        config.AppendLine("    timeout client 60s");
        config.AppendLine("    timeout server 60s");
        config.AppendLine("    option redispatch");
        config.AppendLine("    retries 3");
        config.AppendLine("    default-server inter 500ms fall 2 rise 2");
        config.AppendLine();
        config.AppendLine($"frontend {FrontendName}");
        config.AppendLine($"    bind {spec.Frontend}:{spec.Port.ToString(CultureInfo.InvariantCulture)}");
        config.AppendLine($"    default_backend {BackendName}");
        config.AppendLine();
        config.AppendLine($"backend {BackendName}");
        config.AppendLine("    balance roundrobin");
        config.AppendLine("    option httpchk GET /readyz");
        config.AppendLine("    http-check expect status 200");
        foreach (var backend in spec.Backends)
        {
            // Traffic is passed through untouched (TCP); only the health check speaks TLS, so the check
            // carries the SNI and the certificate must chain to the cluster CA and name the replica.
            config.Append($"    server {backend.Name} {backend.Address}:{spec.Port.ToString(CultureInfo.InvariantCulture)}");
            config.Append($" check check-ssl verify required ca-file {Quote(spec.CaFile)}");
            config.AppendLine($" check-sni {backend.Name} verifyhost {backend.Name}");
        }
        return config.ToString();
    }

    private static void Validate(LoadBalancerSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        RequireIPv4(spec.Frontend, "frontend");
        if (spec.Port is < 1 or > 65535)
            throw new ArgumentException($"Port {spec.Port} is not a valid TCP port.", nameof(spec));
        if (spec.Backends is null || spec.Backends.Count == 0)
            throw new ArgumentException("A load balancer needs at least one backend.", nameof(spec));
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var backend in spec.Backends)
        {
            if (backend.Name is null || !DnsName().IsMatch(backend.Name))
                throw new ArgumentException($"Backend name '{backend.Name}' must be a DNS name (letters, digits, '-' and '.').", nameof(spec));
            if (!names.Add(backend.Name))
                throw new ArgumentException($"Backend name '{backend.Name}' appears more than once.", nameof(spec));
            RequireIPv4(backend.Address, $"backend '{backend.Name}'");
        }
        RequireQuotablePath(spec.CaFile, "CA file");
        RequireQuotablePath(spec.Directory, "directory");
    }

    private static void RequireIPv4(string? address, string what)
    {
        // IPAddress.TryParse also accepts shorthand such as "10.1"; require the canonical dotted quad.
        if (address is null || !IPAddress.TryParse(address, out var parsed)
            || parsed.AddressFamily != AddressFamily.InterNetwork || parsed.ToString() != address)
            throw new ArgumentException($"The {what} address '{address}' is not an IPv4 address.");
    }

    private static void RequireQuotablePath(string? path, string what)
    {
        if (string.IsNullOrWhiteSpace(path) || !Path.IsPathFullyQualified(path))
            throw new ArgumentException($"The {what} must be an absolute path: '{path}'.");
        if (path.Contains('\'') || path.Any(char.IsControl))
            throw new ArgumentException($"The {what} path must not contain quotes or control characters: '{path}'.");
    }

    // Single quotes: HAProxy expands neither variables nor escapes inside them.
    private static string Quote(string path) => "'" + path + "'";

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")]
    private static partial Regex DnsName();
}
