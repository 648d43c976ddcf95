using System.Text.RegularExpressions;

namespace HaMaster.Gce;

/// <summary>kube-up-compatible names of a cluster's Compute Engine resources (docs/design.md §6).</summary>
public static partial class GceNames
{
    public static string Master(string cluster) => $"{cluster}-master";
    public static string Address(string cluster) => $"{cluster}-master-ip";
    public static string HttpsFirewall(string cluster) => $"{cluster}-master-https";
    public static string EtcdFirewall(string cluster) => $"{cluster}-master-etcd";
    /// <summary>HaMaster's own: the module's SSH tunnel to etcd.</summary>
    public static string SshFirewall(string cluster) => $"{cluster}-master-ssh";
    /// <summary>HaMaster's own: the load balancer's health checks.</summary>
    public static string HealthFirewall(string cluster) => $"{cluster}-master-health";
    public static string TargetPool(string cluster) => $"{cluster}-master";
    public static string ForwardingRule(string cluster) => $"{cluster}-master";
    public static string HealthCheck(string cluster) => $"{cluster}-master";

    /// <summary>Whether <paramref name="name"/> is a Compute Engine resource name (RFC 1035 label, at most 63 characters).</summary>
    public static bool IsValid(string? name) => name is not null && Rfc1035Label().IsMatch(name);

    [GeneratedRegex("^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex Rfc1035Label();
}
