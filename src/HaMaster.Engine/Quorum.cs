namespace HaMaster.Engine;

/// <summary>etcd's majority arithmetic.</summary>
public static class Quorum
{
    /// <summary>Votes needed for a decision among <paramref name="voters"/> members.</summary>
    public static int Of(int voters) => voters <= 0 ? 0 : voters / 2 + 1;

    /// <summary>How many of <paramref name="voters"/> members may fail with a quorum kept.</summary>
    public static int FaultTolerance(int voters) => voters <= 0 ? 0 : voters - Of(voters);
}
