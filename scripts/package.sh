#!/usr/bin/env bash
# Packages the module for the PowerShell Gallery with only the .NET SDK (no pwsh); does what
# `./build.ps1 -Task Package` does:
#   <out>/HaMaster/                        the module as built (dotnet publish)
#   <out>/gallery/HaMaster/<version>/      the layout Install-Module leaves: manifest, format file,
#                                          help, HaMaster.dll and dependencies/
#   <out>/gallery/HaMaster.<version>.nupkg the package Publish-Module uploads
# Usage: scripts/package.sh [output folder (default: out)] [configuration (default: Release)]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-out}"
configuration="${2:-Release}"
rm -rf "$out/HaMaster" "$out/gallery"
dotnet publish src/HaMaster/HaMaster.csproj -c "$configuration" -o "$out/HaMaster" --nologo
dotnet run --project tools/HaMaster.Packager -c "$configuration" -- "$out/HaMaster" "$out/gallery"
