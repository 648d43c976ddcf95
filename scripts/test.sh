#!/usr/bin/env bash
# Runs every test: engine tests (with the in-memory fakes), PowerShell-level tests against real etcd
# and HAProxy, the Gce tests against the Compute stand-in, then the model-based test. The assemblies
# run one after another: side by side on 2 cores their real clusters starved each other's deadlines.
# Every assembly runs even when an earlier one fails; the script fails if any did.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/install-prerequisites.sh || exit 1
dotnet build HaMaster.sln -c Release --nologo -v q || exit 1
failed=()
run() {
  local name=$1; shift
  local started=$SECONDS
  echo "== $name"
  dotnet test "$@" -c Release --nologo --no-build || failed+=("$name")
  echo "== $name: $((SECONDS - started)) s"
}
run engine tests/HaMaster.Engine.Tests/HaMaster.Engine.Tests.csproj "$@"
run powershell tests/HaMaster.Tests/HaMaster.Tests.csproj --filter "FullyQualifiedName!~ModelBasedTests" "$@"
run gce tests/HaMaster.Gce.Tests/HaMaster.Gce.Tests.csproj "$@"
run model-based tests/HaMaster.Tests/HaMaster.Tests.csproj --filter "FullyQualifiedName~ModelBasedTests" "$@"
if [ ${#failed[@]} -gt 0 ]; then
  echo "Failed: ${failed[*]}" >&2
  exit 1
fi
echo "All tests passed."
