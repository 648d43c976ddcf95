namespace HaMaster.Gce.Bootstrap;

/// <summary>
/// Which version changes a rollout may make (docs/design.md §10.4). A rollout runs old and new
/// replicas side by side, so each release's own rules for mixed versions apply. Kubernetes: one minor
/// version at a time (its version-skew policy for kube-apiserver instances), never across a major
/// version, and downwards only with force (an older kube-apiserver may not read what a newer one
/// wrote). etcd: one minor version up at a time (etcd's upgrade rule); a minor downwards never, since
/// a member older than the cluster's version refuses to start; a patch downwards only with force.
/// </summary>
public static class VersionChange
{
    public static void CheckKubernetes(string from, string to, bool force)
    {
        var current = KubernetesRelease.Parse(from);
        var target = Parse(to, "Kubernetes version", $"Give a release such as {KubernetesRelease.DefaultVersion}.", KubernetesRelease.Parse);
        if (target.Major != current.Major)
            throw GceErrors.VersionChangeRefused("Kubernetes", from, to, "a rollout does not cross a major version",
                $"Stay within Kubernetes v{current.Major}.x.");
        if (target.Minor > current.Minor + 1)
            throw GceErrors.VersionChangeRefused("Kubernetes", from, to, "Kubernetes moves one minor version at a time (its version-skew policy)",
                $"Update to a v{current.Major}.{current.Minor + 1} release first, then to {to}.");
        if (target < current && target.Minor < current.Minor - 1)
            throw GceErrors.VersionChangeRefused("Kubernetes", from, to, "Kubernetes moves one minor version at a time, downwards too",
                $"Go back to a v{current.Major}.{current.Minor - 1} release first, with -Force.");
        if (target < current && !force)
            throw GceErrors.VersionChangeRefused("Kubernetes", from, to, "that is downwards, and an older kube-apiserver may not read what a newer one wrote",
                "Give a newer release, or add -Force to go back anyway (take a Backup-HaCluster first if you want one of your own).");
    }

    public static void CheckEtcd(string from, string to, bool force)
    {
        var current = EtcdRelease.Parse(from);
        var target = Parse(to, "etcd version", $"Give a release from {EtcdRelease.Minimum} up to, not including, {EtcdRelease.FirstUnsupported}, such as {EtcdRelease.DefaultVersion}.", EtcdRelease.Parse);
        if (target.Minor > current.Minor + 1)
            throw GceErrors.VersionChangeRefused("etcd", from, to, "etcd is upgraded one minor version at a time",
                $"Update to a v{current.Major}.{current.Minor + 1} release first, then to {to}.");
        if (target.Minor < current.Minor)
            throw GceErrors.VersionChangeRefused("etcd", from, to, "a member older than the cluster's version does not start, so a rollout cannot take etcd to an older minor version",
                $"Stay on a v{current.Major}.{current.Minor} release; to go back, restore a backup onto a cluster made with the older release.");
        if (target < current && !force)
            throw GceErrors.VersionChangeRefused("etcd", from, to, "that is downwards",
                "Give a newer release, or add -Force to go back to the older patch release.");
    }

    private static ReleaseVersion Parse(string version, string what, string action, Func<string, ReleaseVersion> parse)
    {
        try
        {
            return parse(version);
        }
        catch (ArgumentException e)
        {
            throw GceErrors.InvalidSetting(what, version, action, e);
        }
    }
}
