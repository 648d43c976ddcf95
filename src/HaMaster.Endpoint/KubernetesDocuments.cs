using System.Text.Json;

namespace HaMaster.Endpoint;

/// <summary>The Kubernetes API objects the stand-in answers with, shaped as kube-apiserver writes them.</summary>
public static class KubernetesDocuments
{
    /// <summary>GET /api: the core group's versions (APIVersions).</summary>
    public static string ApiVersions(string servedAt) => JsonSerializer.Serialize(new
    {
        kind = "APIVersions",
        versions = new[] { "v1" },
        serverAddressByClientCIDRs = new[] { new { clientCIDR = "0.0.0.0/0", serverAddress = servedAt } },
    });

    /// <summary>GET /apis: the named groups (APIGroupList); the stand-in serves none.</summary>
    public static readonly string ApiGroupList = JsonSerializer.Serialize(new { kind = "APIGroupList", apiVersion = "v1", groups = Array.Empty<object>() });

    /// <summary>A failure (metav1.Status).</summary>
    public static string Status(int code, string reason, string message) => JsonSerializer.Serialize(new
    {
        kind = "Status",
        apiVersion = "v1",
        metadata = new { },
        status = "Failure",
        message,
        reason,
        details = new { },
        code,
    });
}
