using HaMaster.Engine.Etcd;

namespace HaMaster.Gce.Bootstrap;

public static partial class StartupScript
{
    /// <summary>
    /// The script's <c>restore_snapshot</c> function (empty without a restore): it stops the services,
    /// waits for the uploaded snapshot, copies it out of the uploader's reach and checks its SHA-256
    /// there (what is checked is what is restored), restores it with the release's own tool (etcdutl,
    /// or etcdctl for a release without it) into a fresh folder that then takes the data folder's
    /// place, and records the restore's id so that a reboot keeps the data.
    /// </summary>
    private static string RestoreFunction(ReplicaBootstrapSpec spec)
    {
        if (spec.Restore is not { } restore) return "";
        var data = ReplicaPaths.EtcdDataDirectory;
        var flags = string.Join(" ", EtcdCommandLine.RestoreArguments(GceEtcdMember.Member(spec), data + ".restoring"));
        return $$"""
            # Restore-HaCluster: this replica's etcd data is replaced once, by restore {{restore.Id}}, before etcd starts.
            readonly restore_id={{restore.Id}}
            readonly restore_sha256={{restore.Sha256}}
            readonly restore_upload={{restore.UploadPath}}
            readonly restore_marker={{SnapshotRestoreSpec.Marker}}

            restore_snapshot() {
              local copy=$work/snapshot.db deadline=$((SECONDS + 3600)) tool
              if [ "$(cat "$restore_marker" 2>/dev/null || true)" = "$restore_id" ]; then return 0; fi
              systemctl stop {{KubeApiServerUnitName}} {{EtcdUnitName}} || true
              log "waiting for the snapshot of restore $restore_id at $restore_upload"
              until [ -f "$restore_upload" ] && install -m 0600 "$restore_upload" "$copy" \
                  && [ "$(sha256sum "$copy" | cut -d' ' -f1)" = "$restore_sha256" ]; do
                [ "$SECONDS" -lt "$deadline" ] || fail "no snapshot with SHA-256 $restore_sha256 arrived at $restore_upload within an hour"
                sleep 2
              done
              tool=$bin_dir/etcd-$etcd_version/etcdutl
              [ -x "$tool" ] || tool=$bin_dir/etcd-$etcd_version/etcdctl
              rm -rf {{data}}.restoring
              "$tool" snapshot restore "$copy" {{flags}} \
                || fail "the snapshot of restore $restore_id could not be restored"
              rm -rf {{data}}
              mv {{data}}.restoring {{data}}
              printf '%s\n' "$restore_id" >"$restore_marker"
              rm -f "$restore_upload"
              changed="$changed etcd kube-apiserver "
              log "restored the snapshot with SHA-256 $restore_sha256"
            }

            """;
    }
}
