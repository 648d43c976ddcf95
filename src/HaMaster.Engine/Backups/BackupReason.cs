namespace HaMaster.Engine.Backups;

/// <summary>Why a backup was taken. Only <see cref="Manual"/> backups are kept regardless of the retention.</summary>
public enum BackupReason
{
    Manual,
    BeforeAdd,
    BeforeRemove,
    BeforeRepair,
    BeforeRestore,
    BeforeUpdate,
}
