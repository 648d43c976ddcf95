using HaMaster.Gce.Bootstrap;
using HaMaster.Gce.Tests.Bootstrap;
using Xunit;

namespace HaMaster.Gce.Tests.FakeVm;

using HaMaster.Testing.Compute.FakeVm;

/// <summary>The fake VMs read what to run from the startup script; this holds them to the shared command lines.</summary>
public sealed class FakeVmBootPlanTests
{
    [Fact]
    public void The_plan_read_from_the_script_is_what_the_bootstrap_code_renders()
    {
        var spec = ThreeReplicaCluster.GceSpec(1);
        var plan = FakeVmBootPlan.Parse(StartupScript.Render(spec));

        Assert.Equal(ReplicaMetadataKeys.All, plan.Files.Select(f => f.Key));
        Assert.All(plan.Files, f => Assert.Equal(ReplicaPaths.FileFor(f.Key), f.VmPath));
        Assert.All(plan.Files, f => Assert.Equal(ReplicaMetadataKeys.IsPrivateKey(f.Key) ? (UnixFileMode)0b110_000_000 : (UnixFileMode)0b110_100_100, f.Mode));
        Assert.Equal(GceEtcdMember.Arguments(spec), plan.EtcdArguments);
        Assert.Equal(KubeApiServerCommandLine.Arguments(spec), plan.KubeApiServerArguments);
        Assert.Equal(spec.KubernetesVersion, plan.KubernetesVersion);
        Assert.Equal(ReplicaPaths.EtcdDataDirectory, FakeVmBootPlan.Flag(plan.EtcdArguments, "data-dir"));
    }

    [Fact]
    public void A_script_without_the_expected_shape_is_refused()
    {
        Assert.Throws<FormatException>(() => FakeVmBootPlan.Parse("#!/bin/bash\necho hello\n"));
    }
}
