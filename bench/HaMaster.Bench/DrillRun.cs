namespace HaMaster.Bench;

/// <summary>
/// One run of a fault drill. Times in ms: <see cref="ReportedMs"/> from the fault to the end of the
/// first Get-MasterReplica or Get-HaCluster that showed it; <see cref="CommandMs"/> the documented
/// command itself; <see cref="HealthyAgainMs"/> from the command's start until Get-HaCluster shows the
/// cluster Healthy with all its replicas; <see cref="FaultToHealthyMs"/> the whole of it.
/// <see cref="Client"/> is what the availability client saw from the fault until healthy again;
/// <see cref="WritesLost"/> the writes it had acknowledged (during the whole run) that a read-back did not find.
/// <see cref="CommandSteps"/> is the command's progress timeline. A value is null when the run failed before it was measured.
/// </summary>
public sealed record DrillRun(
    string? Failure, double? ReportedMs, double? CommandMs, double? HealthyAgainMs, double? FaultToHealthyMs,
    EventMetrics? Client, int? WritesLost, int? WritesAcknowledged, string? Shown, List<ProgressMark>? CommandSteps)
{
    public bool Passed => Failure is null && WritesLost == 0;

    public static DrillRun Failed(string failure) => new(failure, null, null, null, null, null, null, null, null, null);
}
