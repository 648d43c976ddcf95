#!/usr/bin/env bash
# Installs what HaMaster's Local provider and tests need on Debian: etcd (etcd-server), etcdctl
# (etcd-client: the tests check backups with etcd's own tool), HAProxy, the shellcheck package (it checks the Gce replica startup script) and openssh-server (the SSH
# tunnel tests run a private sshd). Only what is missing is installed, so a second run does nothing.
set -euo pipefail
missing=()
command -v etcd >/dev/null 2>&1 || [ -x /usr/bin/etcd ] || missing+=(etcd-server)
command -v etcdctl >/dev/null 2>&1 || [ -x /usr/bin/etcdctl ] || missing+=(etcd-client)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
if [ ! -x /usr/sbin/sshd ] || ! command -v ssh-keygen >/dev/null 2>&1; then missing+=(openssh-server); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} ..."
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  # apt's chatter (debconf notices included) is shown only when something fails.
  if ! log=$("${sudo_cmd[@]}" apt-get update -qq 2>&1 &&
             DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" 2>&1); then
    echo "$log" >&2
    echo "Could not install ${missing[*]}." >&2
    exit 1
  fi
fi
command -v dotnet >/dev/null 2>&1 || { echo "The .NET SDK (dotnet) is required: https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2; exit 1; }
