using System.Globalization;
using System.Text.RegularExpressions;

namespace HaMaster.Gce.Bootstrap;

/// <summary>A release version as the download sites spell it: <c>v&lt;major&gt;.&lt;minor&gt;.&lt;patch&gt;</c>.</summary>
public readonly partial record struct ReleaseVersion(int Major, int Minor, int Patch) : IComparable<ReleaseVersion>
{
    [GeneratedRegex(@"^v(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})$")]
    private static partial Regex Pattern();

    public static bool TryParse(string? text, out ReleaseVersion version)
    {
        version = default;
        var match = text is null ? null : Pattern().Match(text);
        if (match is null || !match.Success) return false;
        version = new ReleaseVersion(
            int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture));
        return true;
    }

    public int CompareTo(ReleaseVersion other) =>
        Major != other.Major ? Major.CompareTo(other.Major)
        : Minor != other.Minor ? Minor.CompareTo(other.Minor)
        : Patch.CompareTo(other.Patch);

    public static bool operator <(ReleaseVersion left, ReleaseVersion right) => left.CompareTo(right) < 0;
    public static bool operator >(ReleaseVersion left, ReleaseVersion right) => left.CompareTo(right) > 0;
    public static bool operator <=(ReleaseVersion left, ReleaseVersion right) => left.CompareTo(right) <= 0;
    public static bool operator >=(ReleaseVersion left, ReleaseVersion right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"v{Major}.{Minor}.{Patch}";
}

/// <summary>The Kubernetes release a replica runs and where its kube-apiserver binary comes from.</summary>
public static class KubernetesRelease
{
    /// <summary>The default for <c>-KubernetesVersion</c>: a current stable release.</summary>
    public const string DefaultVersion = "v1.34.1";

    /// <summary>
    /// The oldest release the generated flags suit: from v1.20 kube-apiserver requires
    /// <c>--service-account-issuer</c> and <c>--service-account-signing-key-file</c>.
    /// </summary>
    public static readonly ReleaseVersion Minimum = new(1, 20, 0);

    /// <summary>
    /// kube-apiserver's <c>--etcd-quorum-read</c> (what kube-up's ENABLE_ETCD_QUORUM_READ set) was
    /// deprecated in v1.9, when quorum reads became the only behaviour, and removed in v1.13.
    /// </summary>
    public static readonly ReleaseVersion EtcdQuorumReadFlagRemoved = new(1, 13, 0);

    /// <summary>The binary's address on the official download site; its SHA-256 is published at the same address plus <c>.sha256</c>.</summary>
    public static string KubeApiServerUrl(string version, string architecture) =>
        $"https://dl.k8s.io/{version}/bin/linux/{architecture}/kube-apiserver";

    public static ReleaseVersion Parse(string version)
    {
        if (!ReleaseVersion.TryParse(version, out var parsed))
            throw new ArgumentException($"'{version}' is not a Kubernetes release version; write it as v<major>.<minor>.<patch>, for example {DefaultVersion}.", nameof(version));
        if (parsed < Minimum)
            throw new ArgumentException($"Kubernetes {version} is older than {Minimum}, the oldest release HaMaster configures.", nameof(version));
        return parsed;
    }
}

/// <summary>The etcd release a replica runs and where it comes from.</summary>
public static class EtcdRelease
{
    /// <summary>
    /// The etcd every replica runs: 3.5 accepts every flag of the shared etcd command line as the
    /// Local provider's etcd 3.4 does (3.6 deprecates the <c>--experimental-</c> names).
    /// </summary>
    public const string DefaultVersion = "v3.5.21";

    public static readonly ReleaseVersion Minimum = new(3, 4, 0);

    /// <summary>The first release that no longer accepts the shared command line's <c>--experimental-initial-corrupt-check</c>.</summary>
    public static readonly ReleaseVersion FirstUnsupported = new(3, 7, 0);

    public static string TarballName(string version, string architecture) => $"etcd-{version}-linux-{architecture}";

    /// <summary>The release tarball on GitHub; the release's <c>SHA256SUMS</c> file sits next to it.</summary>
    public static string DownloadFolder(string version) => $"https://github.com/etcd-io/etcd/releases/download/{version}";

    public static ReleaseVersion Parse(string version)
    {
        if (!ReleaseVersion.TryParse(version, out var parsed))
            throw new ArgumentException($"'{version}' is not an etcd release version; write it as v<major>.<minor>.<patch>, for example {DefaultVersion}.", nameof(version));
        if (parsed < Minimum || parsed >= FirstUnsupported)
            throw new ArgumentException($"etcd {version} is not supported: use a release from {Minimum} up to, not including, {FirstUnsupported}.", nameof(version));
        return parsed;
    }
}
