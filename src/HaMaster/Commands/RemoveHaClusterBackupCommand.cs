using System.Management.Automation;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Deletes backups listed by Get-HaClusterBackup.</para>
/// <para type="description">Deletes a backup's manifest, then its snapshot file. Automatic backups are also pruned by the cluster's retention (New-HaCluster -BackupRetention); manual ones are only ever deleted by this command. Asks for confirmation unless -Confirm:$false is given.</para>
/// </summary>
/// <example title="Delete manual backups older than 30 days">
/// <code>
/// Get-HaClusterBackup demo | Where-Object { $_.Reason -eq 'Manual' -and $_.TakenAt -lt [DateTimeOffset]::UtcNow.AddDays(-30) } | Remove-HaClusterBackup -Confirm:$false
/// </code>
/// <para>Deletes the manual backups of demo taken more than 30 days ago, without asking for each one.</para>
/// </example>
/// <example title="Delete the backups that no longer verify">
/// <code>
/// Get-HaClusterBackup demo | Where-Object { -not $_.Verified } | Remove-HaClusterBackup -PassThru
/// </code>
/// <para>Asks before deleting each backup whose file is missing or altered, and shows what was deleted.</para>
/// </example>
/// <returns>Nothing by default. With -PassThru, each deleted HaClusterBackup.</returns>
/// <seealso cref="GetHaClusterBackupCommand"/>
[Cmdlet(VerbsCommon.Remove, "HaClusterBackup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(HaClusterBackup))]
public sealed class RemoveHaClusterBackupCommand : HaCmdlet
{
    /// <summary>
    /// The backup to delete, as Get-HaClusterBackup emits it. Required; taken from the pipeline. A backup whose files are gone fails with the error BackupNotFound and goes on with the next input.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public HaClusterBackup Backup { get; set; } = null!;

    /// <summary>Writes each deleted backup to the output. Off by default.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => ForEachInput(() =>
    {
        if (!ShouldProcess($"{Backup.Name} ({Backup.Cluster}, {Backup.Reason}, revision {Backup.Revision})", "Delete HA cluster backup")) return;
        CreateEngine().RemoveBackup(Backup);
        if (PassThru) WriteObject(Backup);
    });
}
