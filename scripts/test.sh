#!/usr/bin/env bash
# Runs every test: engine unit tests and PowerShell-level tests against real etcd and HAProxy.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-prerequisites.sh
dotnet test HaMaster.sln -c Release --nologo "$@"
