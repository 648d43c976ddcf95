namespace HaMaster.Gce.Bootstrap;

/// <summary>kube-apiserver's flags on a replica VM: a sane minimal set for an HA control plane.</summary>
public static class KubeApiServerCommandLine
{
    /// <summary>The API port on a replica and on the load balancer, as kube-up used.</summary>
    public const int SecurePort = 443;

    public static IReadOnlyList<string> Arguments(ReplicaBootstrapSpec spec)
    {
        // No --etcd-quorum-read, whatever spec.EnableEtcdQuorumReads says: the flag existed only
        // before v1.13 (KubernetesRelease.EtcdQuorumReadFlagRemoved), every supported release is newer
        // and reads from etcd with quorum unconditionally.
        KubernetesRelease.Parse(spec.KubernetesVersion);
        return
        [
            // Every replica advertises the cluster's stable address (kube-up did the same), so the
            // in-cluster "kubernetes" service points at the load balancer, not at one replica.
            $"--advertise-address={spec.ClusterAddress}",
            "--bind-address=0.0.0.0",
            $"--secure-port={SecurePort}",
            $"--tls-cert-file={ReplicaPaths.ApiServerCertificate}",
            $"--tls-private-key-file={ReplicaPaths.ApiServerKey}",
            "--tls-min-version=VersionTLS12",
            $"--client-ca-file={ReplicaPaths.ClusterCa}",
            // Only the local etcd member, over mutual TLS; it forwards to the leader when it must.
            $"--etcd-servers={GceEtcdMember.LoopbackClientUrl}",
            $"--etcd-cafile={ReplicaPaths.EtcdCa}",
            $"--etcd-certfile={ReplicaPaths.EtcdCertificate}",
            $"--etcd-keyfile={ReplicaPaths.EtcdKey}",
            $"--service-cluster-ip-range={spec.ServiceClusterIpRange}",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            $"--service-account-key-file={ReplicaPaths.ServiceAccountKey}",
            $"--service-account-signing-key-file={ReplicaPaths.ServiceAccountKey}",
            "--authorization-mode=Node,RBAC",
            // Unauthenticated requests may read /healthz, /livez, /readyz and /version only
            // (system:public-info-viewer), which the readiness responder relies on.
            "--anonymous-auth=true",
            "--allow-privileged=true",
            "--profiling=false",
            "--endpoint-reconciler-type=lease",
        ];
    }
}
