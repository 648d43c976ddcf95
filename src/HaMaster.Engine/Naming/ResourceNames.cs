using System.Security.Cryptography;
using System.Text.RegularExpressions;
using HaMaster.Engine.Errors;

namespace HaMaster.Engine.Naming;

/// <summary>
/// Names compatible with kube-up and with Compute Engine's naming rules (RFC 1035 labels of at most
/// 63 characters): the first replica is <c>&lt;cluster&gt;-master</c>, later ones
/// <c>&lt;cluster&gt;-master-&lt;3 hex&gt;</c>, and the longest derived name is the firewall
/// <c>&lt;cluster&gt;-master-https</c>.
/// </summary>
public static partial class ResourceNames
{
    public const int MaxResourceNameLength = 63;
    public const string LongestSuffix = "-master-https";
    public const int MaxClusterNameLength = MaxResourceNameLength - 13;

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Rfc1035Label();

    public static void ValidateClusterName(string? name)
    {
        if (string.IsNullOrEmpty(name))
            throw Invalid(name, "The cluster name is empty.");
        if (name.Length > MaxClusterNameLength)
            throw Invalid(name, $"The cluster name '{name}' has {name.Length} characters; at most {MaxClusterNameLength} are allowed so that '{name}{LongestSuffix}' stays within Compute Engine's {MaxResourceNameLength}-character limit.");
        if (!Rfc1035Label().IsMatch(name))
            throw Invalid(name, $"The cluster name '{name}' is not valid: use lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen.");
    }

    public static string FirstReplica(string cluster) => $"{cluster}-master";

    /// <summary>A new replica name with a random 3-hex-digit suffix not in <paramref name="taken"/>.</summary>
    public static string NewReplica(string cluster, IEnumerable<string> taken)
    {
        var used = new HashSet<string>(taken, StringComparer.OrdinalIgnoreCase);
        for (var attempt = 0; attempt < 10_000; attempt++)
        {
            var candidate = $"{cluster}-master-{RandomNumberGenerator.GetInt32(0x1000):x3}";
            if (!used.Contains(candidate)) return candidate;
        }
        throw new InvalidOperationException("No free replica name suffix.");
    }

    public static bool BelongsTo(string replicaName, string cluster) =>
        replicaName == FirstReplica(cluster) || Regex.IsMatch(replicaName, $"^{Regex.Escape(cluster)}-master-[0-9a-f]{{3}}$");

    private static HaException Invalid(string? name, string message) => new(
        ErrorIds.InvalidClusterName, message,
        "Choose a name of lowercase letters, digits and hyphens that starts with a letter, for example 'demo' or 'prod-east'.",
        name);
}
