#!/usr/bin/env bash
# The HaMaster benchmark (bench/README.md): builds Release, runs the scenarios on the Local
# provider, the fault drills, and figure g (the Gce provider against the Compute stand-in, through
# bench/gce-waits.sh), writes bench/results/latest.json and prints the tables.
#
# Usage: bench/run.sh [--runs N] [--scenarios create,scale,repair,availability,drills,backup,restore,credentials,maintenance,rollout,list,import,gce] [--output FILE]
#                     [other options of bench/HaMaster.Bench: --interval-ms, --probe-deadline-ms,
#                      --write-deadline-ms, --hedge-ms, --crash-window-ms, --tail-ms, --keep-client-logs]
#   --runs N        runs per figure (default 5; each figure is the median of N, with min and max)
#   --scenarios     which scenarios (default: all)
#   --output FILE   where the JSON goes (default: bench/results/latest.json)
# Progress goes to stderr; the tables to stdout. Exit code 1 when a scenario failed or left something behind.
# Runs as root (the full-disk drill mounts a small tmpfs), like scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=5
scenarios=all
output=bench/results/latest.json
passthrough=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --scenarios) scenarios="$2"; shift 2 ;;
    --output) output="$2"; shift 2 ;;
    --interval-ms|--probe-deadline-ms|--write-deadline-ms|--hedge-ms|--crash-window-ms|--tail-ms|--keep-client-logs) passthrough+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "Unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

scripts/install-prerequisites.sh

echo "Building (Release) ..." >&2
dotnet build bench/HaMaster.Bench/HaMaster.Bench.csproj -c Release --nologo -v q >/dev/null
bench_dll=bench/HaMaster.Bench/bin/Release/net10.0/HaMaster.Bench.dll

selected() { [ "$scenarios" = all ] || [[ ",$scenarios," == *,$1,* ]]; }
temporary=()
trap 'rm -f "${temporary[@]}"' EXIT

import_args=()
if selected import; then
  # Import-Module time of the installed layout, measured by bench/ImportTime (as bench/import-time.sh does).
  echo "Publishing the module and measuring Import-Module ..." >&2
  rm -rf out/HaMaster
  dotnet publish src/HaMaster/HaMaster.csproj -c Release -o out/HaMaster --nologo -v q >/dev/null
  dotnet build bench/ImportTime/ImportTime.csproj -c Release --nologo -v q >/dev/null
  import_json="$(mktemp)"
  temporary+=("$import_json")
  dotnet bench/ImportTime/bin/Release/net10.0/ImportTime.dll out/HaMaster/HaMaster.psd1 --runs "$runs" --json "$import_json" >&2
  import_args=(--import-results "$import_json")
fi

gce_args=()
if selected gce; then
  echo "Figure g: the Gce provider against the Compute stand-in ($runs runs) ..." >&2
  gce_json="$(mktemp)"
  temporary+=("$gce_json")
  bench/gce-waits.sh --runs "$runs" --output "$gce_json" >&2
  gce_args=(--gce-results "$gce_json")
fi

dotnet "$bench_dll" --runs "$runs" --scenarios "$scenarios" --output "$output" "${import_args[@]}" "${gce_args[@]}" "${passthrough[@]}"
