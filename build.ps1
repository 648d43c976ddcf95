<#
.SYNOPSIS
    Builds, tests or lays out the HaMaster module.
.EXAMPLE
    ./build.ps1            # Build: out/HaMaster with the manifest, format file, help file and binaries
.EXAMPLE
    ./build.ps1 -Task Test # every test (needs etcd-server and haproxy)
#>
param(
    [ValidateSet('Build', 'Test')]
    [string] $Task = 'Build',
    [string] $Configuration = 'Release'
)
$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot
switch ($Task) {
    'Build' {
        $out = Join-Path $root 'out/HaMaster'
        dotnet publish (Join-Path $root 'src/HaMaster/HaMaster.csproj') -c $Configuration -o $out --nologo
        if ($LASTEXITCODE) { throw "dotnet publish failed ($LASTEXITCODE)" }
        "Module laid out in $out. Import it with: Import-Module $out/HaMaster.psd1"
    }
    'Test' {
        & (Join-Path $root 'scripts/test.sh')
        if ($LASTEXITCODE) { throw "tests failed ($LASTEXITCODE)" }
    }
}
