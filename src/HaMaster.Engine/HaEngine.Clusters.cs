using HaMaster.Engine.Errors;
using HaMaster.Engine.Etcd;
using HaMaster.Engine.Flows;
using HaMaster.Engine.Model;
using HaMaster.Engine.Naming;
using HaMaster.Engine.Pki;
using HaMaster.Engine.State;
using HaMaster.Engine.Views;

namespace HaMaster.Engine;

/// <summary>Creating and removing whole clusters, including one whose create was cut short or whose state is gone.</summary>
public sealed partial class HaEngine
{
    /// <summary>What -WhatIf of New-HaCluster can tell before anything is made: a bad or taken name (a create cut short does not take it).</summary>
    public void CheckNewClusterName(string cluster)
    {
        ResourceNames.ValidateClusterName(cluster);
        if (_store.Exists(cluster) && _store.Load(cluster).Pending?.Kind != OperationKind.CreateCluster) throw HaErrors.ClusterExists(cluster);
    }

    /// <summary>
    /// A create cut short is rolled back by the next command on its name, a New-HaCluster included
    /// (the caller holds the lock): true when the name is free again, false when a cluster of that
    /// name exists.
    /// </summary>
    private async Task<bool> RollBackInterruptedCreateAsync(string cluster, ProgressActivity progress, CancellationToken cancellationToken)
    {
        var state = _store.Load(cluster);
        if (state.Pending?.Kind != OperationKind.CreateCluster) return false;
        using var session = Open(state, progress);
        return !await Recovery.ResolvePendingAsync(session, cancellationToken).ConfigureAwait(false);
    }

    public async Task<HaCluster> NewClusterAsync(NewClusterRequest request, CancellationToken cancellationToken)
    {
        ResourceNames.ValidateClusterName(request.Name);
        var certificateValidity = request.CertificateValidity ?? ClusterState.DefaultCertificateValidity;
        ClusterPki.CheckLeafValidity(certificateValidity);
        EtcdQuota.Check(request.EtcdQuotaBytes);
        var provider = _providers(request.Provider);
        provider.CheckPrerequisites();
        var zone = request.Zone ?? provider.DefaultZone;
        var zones = await provider.ZonesAsync(request.Project, null, cancellationToken).ConfigureAwait(false);
        if (!zones.Contains(zone))
            throw new HaException(ErrorIds.UnknownZone,
                $"'{zone}' is not a zone of the {request.Provider} provider.", $"Use one of: {string.Join(", ", zones)}.", zone);
        using var progress = new ProgressActivity(_observer, $"New-HaCluster {request.Name}");
        progress.Report(WaitingForLock, 0);
        using var clusterLock = await LockAsync(request.Name, "New-HaCluster", cancellationToken, mayCreate: true).ConfigureAwait(false);
        try
        {
            if (_store.Exists(request.Name) && !await RollBackInterruptedCreateAsync(request.Name, progress, cancellationToken).ConfigureAwait(false))
                throw HaErrors.ClusterExists(request.Name);

            var providerData = new Dictionary<string, string>();
            var address = await provider.ReserveClusterAddressAsync(request with { Zone = zone }, providerData, cancellationToken).ConfigureAwait(false);
            var state = new ClusterState
            {
                Name = request.Name,
                Provider = request.Provider,
                Project = request.Project,
                Region = request.Region,
                Zone = zone,
                Address = address,
                ApiPort = provider.ApiPort,
                MultiZone = request.MultiZone,
                EtcdQuorumReads = request.EtcdQuorumReads,
                CreatedAt = DateTimeOffset.UtcNow,
                EtcdClusterToken = $"{request.Name}-{Guid.NewGuid():N}",
                BackupRetention = request.BackupRetention,
                CertificateValidity = certificateValidity,
                EtcdQuotaBytes = request.EtcdQuotaBytes,
                ProviderData = providerData,
            };
            using var session = new ClusterSession(state, _store, provider, _observer, progress, _options, _openApiProbe);
            await new CreateClusterFlow(session).RunAsync(cancellationToken).ConfigureAwait(false);
            return ViewMapper.ToCluster(await session.InspectAsync(cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            if (!_store.Exists(request.Name)) ReleaseAndDeleteLock(clusterLock, request.Name);
        }
    }

    public async Task RemoveClusterAsync(string cluster, CancellationToken cancellationToken)
    {
        using var progress = new ProgressActivity(_observer, $"Remove-HaCluster {cluster}");
        progress.Report(WaitingForLock, 0);
        using var clusterLock = await LockAsync(cluster, "Remove-HaCluster", cancellationToken).ConfigureAwait(false);
        using (var session = Open(_store.Load(cluster), progress))
            await new RemoveClusterFlow(session).RunAsync(cancellationToken).ConfigureAwait(false);
        ReleaseAndDeleteLock(clusterLock, cluster);
    }

    /// <summary>
    /// Removes what is left of a cluster whose state cannot be read or was deleted by hand: every
    /// provider removes what it finds without the state (Local: the cluster's processes and address
    /// block), then the cluster's folder goes. Without a state there is no journal and no lock to
    /// take (every other command on the cluster fails on the state); run again, it finds less.
    /// Returns what was removed, in words; throws ClusterNotFound when there was nothing.
    /// </summary>
    public async Task<IReadOnlyList<string>> RemoveLeftoversAsync(string cluster, CancellationToken cancellationToken)
    {
        ResourceNames.ValidateClusterName(cluster);
        var removed = new List<string>();
        foreach (var kind in Enum.GetValues<ProviderKind>())
            removed.AddRange(await _providers(kind).RemoveLeftoversAsync(cluster, cancellationToken).ConfigureAwait(false));
        var folder = _store.Directory.ClusterDirectory(cluster);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
            removed.Add($"the folder {folder}");
        }
        if (removed.Count == 0) throw ClusterStore.NotFound(cluster);
        return removed;
    }
}
