namespace HaMaster;

public sealed class LoadBalancerBackend
{
    public required string Replica { get; init; }
    public required string Address { get; init; }
    public required string State { get; init; }
    public bool Healthy => State == "Up";

    public override string ToString() => $"{Replica} {State}";
}
