using System.Text;
using System.Text.RegularExpressions;

namespace HaMaster.Gce.Bootstrap;

/// <summary>
/// Renders the startup script of a replica VM (instance metadata <c>startup-script</c>). Compute
/// Engine runs it as root at every boot; it installs etcd and kube-apiserver, writes the replica's
/// certificates and keys from instance metadata, and runs both, plus the health check's readiness
/// responder, as systemd units. Every step compares before it changes anything, so a reboot restarts
/// nothing that has not changed.
/// </summary>
public static partial class StartupScript
{
    public const string EtcdUnitName = "etcd.service";
    public const string KubeApiServerUnitName = "kube-apiserver.service";

    /// <summary>The URL prefix of this instance's custom metadata on the Compute Engine metadata server.</summary>
    public const string MetadataAttributesUrl = "http://metadata.google.internal/computeMetadata/v1/instance/attributes";

    // What a flag may contain in a systemd ExecStart line without quoting: no spaces, quotes, '$',
    // '%' (systemd specifiers), backslashes or shell characters.
    [GeneratedRegex("^--[a-z0-9-]+=[A-Za-z0-9._:/,=+@-]+$")]
    private static partial Regex PlainFlag();

    public static string Render(ReplicaBootstrapSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();

        var etcdUnit = EtcdUnit(spec);
        var apiServerUnit = KubeApiServerUnit(spec);
        var script = new StringBuilder();
        script.Append($$"""
            #!/bin/bash
            # HaMaster replica bootstrap: replica {{spec.ReplicaName}} of cluster {{spec.ClusterName}}.
            # Rendered by HaMaster into this instance's startup-script metadata. Compute Engine runs it as
            # root at every boot: each step compares before it changes anything and a service restarts
            # only when its files changed. Certificates and keys are not part of this script; they are
            # read from instance metadata.
            # etcd {{spec.EtcdVersion}}, kube-apiserver {{spec.KubernetesVersion}}.
            # etcd quorum reads: {{(spec.EnableEtcdQuorumReads ? "requested" : "not requested")}}; kube-apiserver reads from etcd with quorum
            # in every release since v1.9 and has had no --etcd-quorum-read flag since v1.13.
            set -euo pipefail
            umask 022

            readonly pki_dir={{ReplicaPaths.PkiDirectory}}
            readonly bin_dir={{ReplicaPaths.BinDirectory}}
            readonly unit_dir={{ReplicaPaths.SystemdDirectory}}
            readonly etcd_version={{spec.EtcdVersion}}
            readonly kubernetes_version={{spec.KubernetesVersion}}
            readonly metadata_url={{MetadataAttributesUrl}}

            log() { printf 'hamaster-bootstrap: %s\n' "$*"; }
            fail() { log "error: $*" >&2; exit 1; }

            work=$(mktemp -d)
            trap 'rm -rf "$work"' EXIT

            # Services whose files changed during this run (space separated, padded).
            changed=' '

            # replace <new file> <target> <mode> <service>...: moves the new file over the target when their
            # contents differ and remembers that the services must restart; otherwise drops the new file.
            replace() {
              local new=$1 target=$2 mode=$3 service
              shift 3
              chmod "$mode" "$new"
              if [ -f "$target" ] && cmp -s "$new" "$target"; then
                rm -f "$new"
                chmod "$mode" "$target"
                return 0
              fi
              mv -f "$new" "$target"
              for service in "$@"; do
                case "$changed" in
                  *" $service "*) ;;
                  *) changed="$changed$service " ;;
                esac
              done
            }

            # write_file <target> <mode> <service>...: the content comes on standard input.
            write_file() {
              local target=$1 mode=$2 new
              shift 2
              new=$(mktemp "$target.XXXXXX")
              cat >"$new"
              replace "$new" "$target" "$mode" "$@"
            }

            # fetch_metadata <key> <target> <mode> <service>...: one value of this instance's metadata. The
            # temporary file is created owner-only, so a private key is never readable by others.
            fetch_metadata() {
              local key=$1 target=$2 mode=$3 new
              shift 3
              new=$(mktemp "$target.XXXXXX")
              if ! curl -sf --retry 10 --retry-delay 2 --retry-connrefused -H 'Metadata-Flavor: Google' \
                  -o "$new" "$metadata_url/$key"; then
                rm -f "$new"
                fail "instance metadata key $key could not be read"
              fi
              [ -s "$new" ] || { rm -f "$new"; fail "instance metadata key $key is empty"; }
              replace "$new" "$target" "$mode" "$@"
            }

            download() { # <url> <file>
              curl -sfL --retry 10 --retry-delay 3 --retry-connrefused -o "$2" "$1" || fail "could not download $1"
            }

            # verify <folder> <checksum file>: sha256sum lines ("<hash>  <file name>") for files in the folder.
            verify() {
              (cd "$1" && sha256sum --check --strict --status "$2") || fail "checksum mismatch in $2"
            }

            install_etcd() {
              local target=$bin_dir/etcd-$etcd_version name=etcd-$etcd_version-linux-$arch
              if [ -x "$target/etcd" ]; then return 0; fi
              log "installing etcd $etcd_version"
              download "{{EtcdRelease.DownloadFolder("$etcd_version")}}/$name.tar.gz" "$work/$name.tar.gz"
              download "{{EtcdRelease.DownloadFolder("$etcd_version")}}/SHA256SUMS" "$work/etcd-SHA256SUMS"
              awk -v file="$name.tar.gz" '$2 == file' "$work/etcd-SHA256SUMS" >"$work/etcd.sha256"
              [ -s "$work/etcd.sha256" ] || fail "no published checksum for $name.tar.gz"
              verify "$work" etcd.sha256
              tar -xzf "$work/$name.tar.gz" -C "$work"
              rm -rf "$target.partial"
              install -d -m 0755 "$target.partial"
              install -m 0755 "$work/$name/etcd" "$work/$name/etcdctl" "$target.partial/"
              if [ -f "$work/$name/etcdutl" ]; then install -m 0755 "$work/$name/etcdutl" "$target.partial/"; fi
              mv "$target.partial" "$target"
            }

            install_kube_apiserver() {
              local target=$bin_dir/kubernetes-$kubernetes_version
              local url
              url="{{KubernetesRelease.KubeApiServerUrl("$kubernetes_version", "$arch")}}"
              if [ -x "$target/kube-apiserver" ]; then return 0; fi
              log "installing kube-apiserver $kubernetes_version"
              download "$url" "$work/kube-apiserver"
              download "$url.sha256" "$work/kube-apiserver.sha256"
              printf '%s  kube-apiserver\n' "$(tr -d '[:space:]' <"$work/kube-apiserver.sha256")" >"$work/kube-apiserver.check"
              verify "$work" kube-apiserver.check
              rm -rf "$target.partial"
              install -d -m 0755 "$target.partial"
              install -m 0755 "$work/kube-apiserver" "$target.partial/"
              mv "$target.partial" "$target"
            }

            # start_unit <unit> <service>: restarts a running unit whose files changed, starts it otherwise.
            start_unit() {
              case "$changed" in
                *" $2 "*) systemctl --no-block restart "$1" ;;
                *) systemctl --no-block start "$1" ;;
              esac
            }

            {{RestoreFunction(spec)}}case "$(uname -m)" in
              x86_64) arch=amd64 ;;
              aarch64) arch=arm64 ;;
              *) fail "unsupported machine architecture $(uname -m)" ;;
            esac

            if ! command -v curl >/dev/null 2>&1; then
              log "installing curl"
              apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null
            fi

            install -d -m 0755 /etc/hamaster "$pki_dir" "$bin_dir" "$(dirname {{ReplicaPaths.ReadinessResponder}})"
            install -d -m 0700 {{ReplicaPaths.EtcdDataDirectory}}

            log "writing certificates and keys from instance metadata"

            """);

        foreach (var key in ReplicaMetadataKeys.All)
        {
            var mode = ReplicaMetadataKeys.IsPrivateKey(key) ? "0600" : "0644";
            script.Append($"fetch_metadata {key} {ReplicaPaths.FileFor(key)} {mode} {ServicesUsing(key)}\n");
        }

        script.Append($$"""

            install_etcd
            install_kube_apiserver

            log "writing systemd units"
            write_file "$unit_dir/{{EtcdUnitName}}" 0644 etcd <<'UNIT'
            {{etcdUnit}}UNIT
            write_file "$unit_dir/{{KubeApiServerUnitName}}" 0644 kube-apiserver <<'UNIT'
            {{apiServerUnit}}UNIT
            write_file {{ReplicaPaths.ReadinessResponder}} 0755 readyz <<'RESPONDER'
            {{ReadinessResponder.Script}}RESPONDER
            write_file "$unit_dir/{{ReadinessResponder.SocketUnitName}}" 0644 readyz <<'UNIT'
            {{ReadinessResponder.SocketUnit(spec.ClusterName)}}UNIT
            write_file "$unit_dir/{{ReadinessResponder.ServiceTemplateName}}" 0644 readyz <<'UNIT'
            {{ReadinessResponder.ServiceTemplate(spec.ClusterName)}}UNIT

            systemctl daemon-reload
            systemctl enable {{EtcdUnitName}} {{KubeApiServerUnitName}} {{ReadinessResponder.SocketUnitName}}
            {{(spec.Restore is null ? "" : "restore_snapshot\n")}}start_unit {{EtcdUnitName}} etcd
            start_unit {{KubeApiServerUnitName}} kube-apiserver
            start_unit {{ReadinessResponder.SocketUnitName}} readyz
            log "done: etcd, kube-apiserver and the readiness responder on port {{ReadinessResponder.Port}} are enabled"

            """);
        return script.ToString();
    }

    /// <summary>
    /// The services that restart when the file of a metadata key changes: etcd's files are also
    /// kube-apiserver's etcd client identity; the readiness responder reads the CA at every request.
    /// </summary>
    private static string ServicesUsing(string key) => key switch
    {
        ReplicaMetadataKeys.EtcdCaCertificate or ReplicaMetadataKeys.EtcdCertificate or ReplicaMetadataKeys.EtcdKey => "etcd kube-apiserver",
        _ => "kube-apiserver",
    };

    /// <summary>The etcd unit: the shared etcd command line with this VM's addresses and files.</summary>
    public static string EtcdUnit(ReplicaBootstrapSpec spec) => $"""
        [Unit]
        Description=etcd member {spec.ReplicaName} of HaMaster cluster {spec.ClusterName}
        Wants=network-online.target
        After=network-online.target

        [Service]
        Type=notify
        ExecStart={ExecLine(ReplicaPaths.EtcdBinary(spec.EtcdVersion), GceEtcdMember.Arguments(spec))}
        Restart=always
        RestartSec=5
        TimeoutStartSec=900
        LimitNOFILE=65536

        [Install]
        WantedBy=multi-user.target

        """;

    public static string KubeApiServerUnit(ReplicaBootstrapSpec spec) => $"""
        [Unit]
        Description=kube-apiserver {spec.KubernetesVersion} of HaMaster cluster {spec.ClusterName} (replica {spec.ReplicaName})
        Wants=network-online.target {EtcdUnitName}
        After=network-online.target {EtcdUnitName}

        [Service]
        ExecStart={ExecLine(ReplicaPaths.KubeApiServerBinary(spec.KubernetesVersion), KubeApiServerCommandLine.Arguments(spec))}
        Restart=always
        RestartSec=5
        LimitNOFILE=65536

        [Install]
        WantedBy=multi-user.target

        """;

    // One flag per line, joined with systemd's line continuation.
    private static string ExecLine(string program, IReadOnlyList<string> arguments)
    {
        foreach (var argument in arguments)
            if (!PlainFlag().IsMatch(argument))
                throw new ArgumentException($"The flag '{argument}' has characters a systemd unit would need to quote.");
        return string.Join(" \\\n  ", [program, .. arguments]);
    }
}
