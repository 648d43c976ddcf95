namespace HaMaster.Engine.Model;

public enum ProviderKind
{
    Local,
    Gce,
}
