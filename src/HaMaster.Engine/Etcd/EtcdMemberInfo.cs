namespace HaMaster.Engine.Etcd;

/// <summary>One entry of etcd's member list. An empty name means the member was added but never started.</summary>
public sealed record EtcdMemberInfo(ulong Id, string Name, IReadOnlyList<string> PeerUrls, IReadOnlyList<string> ClientUrls, bool IsLearner)
{
    public bool IsStarted => Name.Length > 0;
    public string IdHex => Id.ToString("x16");
}
