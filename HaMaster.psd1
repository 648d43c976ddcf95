@{
    RootModule           = 'HaMaster.dll'
    # Imported before the root module: finds HaMaster's own assemblies in dependencies/ and loads
    # them, with every third-party library, in a load context of their own.
    NestedModules        = @('HaMaster.Loader.dll')
    # The same version as <Version> in Directory.Build.props (the packager refuses to package otherwise).
    ModuleVersion        = '0.1.0'
    GUID                 = '5d7c3e2a-9b41-4f0e-8c6a-2f1b7d9e4a10'
    Author               = 'HaMaster contributors'
    CompanyName          = 'HaMaster'
    Copyright            = '(c) HaMaster contributors. Apache-2.0.'
    Description          = 'Creates and operates highly-available Kubernetes control planes: etcd clustered over mutual TLS, API servers behind one stable address, a load balancer from the second replica on, safe replica add, remove and repair. Providers: Local (etcd and HAProxy on loopback addresses) and Gce.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('HaMaster.format.ps1xml')
    CmdletsToExport      = @(
        'New-HaCluster'
        'Get-HaCluster'
        'Remove-HaCluster'
        'Add-MasterReplica'
        'Get-MasterReplica'
        'Remove-MasterReplica'
        'Repair-MasterReplica'
        'Stop-MasterReplica'
        'Start-MasterReplica'
        'Get-EtcdMember'
        'Backup-HaCluster'
        'Get-HaClusterBackup'
        'Remove-HaClusterBackup'
        'Restore-HaCluster'
        'Export-HaKubeConfig'
        'Get-HaCertificate'
        'Update-HaCertificate'
        'Optimize-HaCluster'
        'Update-HaCluster'
    )
    AliasesToExport      = @('Replace-MasterReplica')
    FunctionsToExport    = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Kubernetes', 'HA', 'etcd', 'HAProxy', 'GCE', 'ControlPlane', 'Linux')
            ProjectUri   = 'https://github.com/hamaster/hamaster'
            LicenseUri   = 'https://github.com/hamaster/hamaster/blob/main/LICENSE'
            ReleaseNotes = 'First release: the engine, its safety rules and the Local provider.'
        }
    }
}
