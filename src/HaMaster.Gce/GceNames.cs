namespace HaMaster.Gce;

/// <summary>kube-up-compatible names of a cluster's Compute Engine resources (DESIGN §6).</summary>
public static class GceNames
{
    public static string Master(string cluster) => $"{cluster}-master";
    public static string Address(string cluster) => $"{cluster}-master-ip";
    public static string HttpsFirewall(string cluster) => $"{cluster}-master-https";
    public static string EtcdFirewall(string cluster) => $"{cluster}-master-etcd";
    public static string TargetPool(string cluster) => $"{cluster}-master";
    public static string ForwardingRule(string cluster) => $"{cluster}-master";
    public static string HealthCheck(string cluster) => $"{cluster}-master";
}
