namespace HaMaster.Gce.Bootstrap;

/// <summary>
/// What the Compute Engine health check probes on a replica. A target pool only takes a legacy HTTP
/// health check, which speaks plain HTTP and cannot verify TLS, so each replica answers plain HTTP on
/// <see cref="Port"/> with the verdict of its own API server's <c>/readyz</c>, fetched over HTTPS on
/// loopback with the cluster CA verified.
/// </summary>
/// <remarks>
/// The responder is systemd socket activation (<c>Accept=yes</c>) in front of a short bash script
/// that runs curl: systemd, bash and curl are on every Debian 12 Compute Engine image, so nothing has
/// to be installed, there is no long-running process to crash, and each probe gets a fresh process
/// with a hard time limit. The service runs as a transient unprivileged user.
/// </remarks>
public static class ReadinessResponder
{
    /// <summary>The health check's port.</summary>
    public const int Port = 8080;

    /// <summary>The health check's request path.</summary>
    public const string Path = "/readyz";

    public const string SocketUnitName = "hamaster-readyz.socket";
    public const string ServiceTemplateName = "hamaster-readyz@.service";

    /// <summary>The script that answers one HTTP request on standard input and output.</summary>
    public static string Script { get; } = $$"""
        #!/bin/bash
        # HaMaster readiness responder: answers one plain HTTP request on stdin/stdout (systemd socket
        # activation) with the verdict of this replica's kube-apiserver /readyz, which it fetches over
        # HTTPS on loopback with the cluster CA verified. 200 when ready, 503 otherwise.
        set -uo pipefail

        respond() { # <status line> <body>
          printf 'HTTP/1.0 %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n%s\n' \
            "$1" "$((${#2} + 1))" "$2"
          exit 0
        }

        IFS= read -r -t 5 request || respond '408 Request Timeout' 'no request'
        request=${request%$'\r'}
        # Read the headers up to the blank line (bounded), so the client sees a complete exchange.
        for ((i = 0; i < 100; i++)); do
          IFS= read -r -t 5 header || break
          header=${header%$'\r'}
          [ -z "$header" ] && break
        done

        read -r method target _ <<<"$request"
        case "$method" in
          GET|HEAD) ;;
          *) respond '405 Method Not Allowed' 'use GET' ;;
        esac
        case "${target%%\?*}" in
          {{Path}}|/healthz) ;;
          *) respond '404 Not Found' 'try {{Path}}' ;;
        esac

        if curl -sf --max-time 3 --cacert {{ReplicaPaths.ClusterCa}} -o /dev/null https://127.0.0.1:{{KubeApiServerCommandLine.SecurePort}}/readyz; then
          respond '200 OK' 'ok'
        fi
        respond '503 Service Unavailable' 'kube-apiserver is not ready'

        """;

    public static string SocketUnit(string clusterName) => $"""
        [Unit]
        Description=HaMaster readiness for the Compute Engine health check (cluster {clusterName})

        [Socket]
        ListenStream={Port}
        Accept=yes
        MaxConnections=32

        [Install]
        WantedBy=sockets.target

        """;

    public static string ServiceTemplate(string clusterName) => $"""
        [Unit]
        Description=HaMaster readiness answer (cluster {clusterName})

        [Service]
        ExecStart={ReplicaPaths.ReadinessResponder}
        StandardInput=socket
        StandardOutput=socket
        StandardError=journal
        DynamicUser=yes
        RuntimeMaxSec=15

        """;
}
