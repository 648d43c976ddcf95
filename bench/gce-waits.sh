#!/usr/bin/env bash
# The Gce provider against the Compute stand-in with 1 s per operation (issue figure g): wall time
# and sequential operation waits per step beside kube-up's, written to bench/results/gce.json.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-prerequisites.sh
dotnet build bench/GceWaits/GceWaits.csproj -c Release --nologo -v q >/dev/null
dotnet bench/GceWaits/bin/Release/net10.0/GceWaits.dll bench/results/gce.json
