#!/usr/bin/env bash
# Figure g: the Gce provider against the Compute stand-in with 1 s per operation: wall time and
# sequential operation waits per step beside kube-up's, printed as a table (bench/README.md, figure g).
# bench/run.sh runs it too and puts the figures into bench/results/latest.json ("gce").
# Usage: bench/gce-waits.sh [--runs N] [--output FILE]
#   --runs N        runs of the whole sequence (default 1)
#   --output FILE   also writes every run's figures as JSON to FILE (what bench/run.sh reads)
set -euo pipefail
cd "$(dirname "$0")/.."

runs=1
output=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --output) output=(--json "$2"); shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "Unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

scripts/install-prerequisites.sh
dotnet build bench/GceWaits/GceWaits.csproj -c Release --nologo -v q >/dev/null
dotnet bench/GceWaits/bin/Release/net10.0/GceWaits.dll --runs "$runs" "${output[@]}"
