namespace HaMaster.Engine.Model;

public enum EtcdRole
{
    Leader,
    Follower,
    Learner,
    NotMember,
    Unreachable,
}
