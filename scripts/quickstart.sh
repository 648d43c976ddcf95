#!/usr/bin/env bash
# Runs examples/quickstart.ps1 through HaMaster's script runner (no pwsh needed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-prerequisites.sh
dotnet build src/HaMaster.Runner -c Release -v quiet -nologo
exec dotnet src/HaMaster.Runner/bin/Release/net10.0/HaMaster.Runner.dll examples/quickstart.ps1 "$@"
