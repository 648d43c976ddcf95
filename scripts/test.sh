#!/usr/bin/env bash
# Runs every test: engine unit tests, PowerShell-level tests against real etcd and HAProxy, the Gce
# tests against the Compute stand-in, then the model-based test on its own (it keeps three real
# clusters busy for a quarter of an hour; alongside the other assemblies it would starve their deadlines).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-prerequisites.sh
dotnet test HaMaster.sln -c Release --nologo --filter "FullyQualifiedName!~ModelBasedTests" "$@"
dotnet test tests/HaMaster.Tests/HaMaster.Tests.csproj -c Release --nologo --no-build --filter "FullyQualifiedName~ModelBasedTests" "$@"
