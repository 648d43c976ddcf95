#!/usr/bin/env bash
# Prints how long Import-Module HaMaster takes in a fresh process and warm (again in the same
# process), for the installed layout (dependencies/ and the module's own load context).
# Usage: bench/import-time.sh [module manifest (default: publishes out/HaMaster)] [runs (default: 5)]
# The last line is key=value for scripts: import_fresh_ms=… import_warm_ms=… fresh_process_to_imported_ms=…
# empty_module_fresh_ms=… (what PowerShell itself takes for a first import, for comparison)
set -euo pipefail
cd "$(dirname "$0")/.."
manifest="${1:-}"
runs="${2:-5}"
if [ -z "$manifest" ]; then
  rm -rf out/HaMaster
  dotnet publish src/HaMaster/HaMaster.csproj -c Release -o out/HaMaster --nologo >/dev/null
  manifest=out/HaMaster/HaMaster.psd1
fi
dotnet build bench/ImportTime/ImportTime.csproj -c Release --nologo -v q >/dev/null
dotnet bench/ImportTime/bin/Release/net10.0/ImportTime.dll "$manifest" --runs "$runs"
