namespace HaMaster.Engine.Certificates;

/// <summary>What a leaf certificate may be used for (its extended key usages).</summary>
[Flags]
public enum CertificateUsage
{
    Server = 1,
    Client = 2,
}
