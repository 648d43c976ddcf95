using HaMaster.Engine.Errors;

namespace HaMaster.Engine.Etcd;

/// <summary>
/// etcd's backend quota (<c>--quota-backend-bytes</c>, docs/design.md §10.5): a database that reaches
/// it raises the NOSPACE alarm and the cluster stops taking writes, instead of filling the disk.
/// </summary>
public static class EtcdQuota
{
    private const long MiB = 1024 * 1024;

    /// <summary>8 GiB, etcd's suggested maximum for a normal environment.</summary>
    public const long DefaultBytes = 8 * 1024 * MiB;

    public const long MaxBytes = DefaultBytes;

    /// <summary>Below this, etcd's own bookkeeping and a few Kubernetes objects would fill it.</summary>
    public const long MinBytes = 16 * MiB;

    public static void Check(long bytes)
    {
        if (bytes is < MinBytes or > MaxBytes)
            throw new HaException(ErrorIds.InvalidEtcdQuota,
                $"An etcd quota of {bytes} bytes is outside what etcd supports: {MinBytes} (16 MiB) to {MaxBytes} (8 GiB).",
                $"Give -EtcdQuotaBytes a value from 16MB to 8GB, or leave it out for {Describe(DefaultBytes)}.", bytes);
    }

    /// <summary>A size in the units a person reads (KiB, MiB, GiB).</summary>
    public static string Describe(long bytes) => bytes switch
    {
        >= 1024 * MiB => $"{bytes / (1024.0 * MiB):0.#} GiB",
        >= MiB => $"{bytes / (double)MiB:0.#} MiB",
        >= 1024 => $"{bytes / 1024.0:0.#} KiB",
        _ => $"{bytes} bytes",
    };
}
