<#
.SYNOPSIS
    Builds, tests or packages the HaMaster module.
.EXAMPLE
    ./build.ps1            # Build: out/HaMaster with the manifest, format file, help file and binaries
.EXAMPLE
    ./build.ps1 -Task Test # every test (needs etcd-server and haproxy)
.EXAMPLE
    ./build.ps1 -Task Package # out/gallery/HaMaster/<version>/ and out/gallery/HaMaster.<version>.nupkg
.NOTES
    Without pwsh, scripts/package.sh does what -Task Package does.
#>
param(
    [ValidateSet('Build', 'Test', 'Package')]
    [string] $Task = 'Build',
    [string] $Configuration = 'Release'
)
$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot
$out = Join-Path $root 'out/HaMaster'

function Publish-HaMaster {
    if (Test-Path $out) { Remove-Item $out -Recurse -Force }
    dotnet publish (Join-Path $root 'src/HaMaster/HaMaster.csproj') -c $Configuration -o $out --nologo
    if ($LASTEXITCODE) { throw "dotnet publish failed ($LASTEXITCODE)" }
}

switch ($Task) {
    'Build' {
        Publish-HaMaster
        "Module laid out in $out. Import it with: Import-Module $out/HaMaster.psd1"
    }
    'Test' {
        & (Join-Path $root 'scripts/test.sh')
        if ($LASTEXITCODE) { throw "tests failed ($LASTEXITCODE)" }
    }
    'Package' {
        Publish-HaMaster
        $gallery = Join-Path $root 'out/gallery'
        if (Test-Path $gallery) { Remove-Item $gallery -Recurse -Force }
        dotnet run --project (Join-Path $root 'tools/HaMaster.Packager') -c $Configuration '--' $out $gallery
        if ($LASTEXITCODE) { throw "packaging failed ($LASTEXITCODE)" }
    }
}
