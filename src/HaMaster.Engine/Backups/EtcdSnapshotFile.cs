using System.Security.Cryptography;

namespace HaMaster.Engine.Backups;

/// <summary>
/// An etcd v3 snapshot as the Maintenance API streams it: the database (whole 512-byte blocks) followed
/// by the SHA-256 of that database, the integrity hash <c>etcdctl snapshot restore</c> checks too.
/// </summary>
public static class EtcdSnapshotFile
{
    private const int HashSize = 32;
    private const int BlockSize = 512;

    /// <summary>The result of reading a snapshot file once: whether its own hash holds, and the hash of the whole file.</summary>
    public sealed record Check(bool IntegrityHolds, long SizeBytes, string Sha256);

    public static Check Read(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        var size = file.Length;
        var contentSize = size - HashSize;
        using var whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var content = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var trailer = new byte[HashSize];
        var buffer = new byte[1 << 20];
        long position = 0;
        int read;
        while ((read = file.Read(buffer, 0, buffer.Length)) > 0)
        {
            whole.AppendData(buffer, 0, read);
            var contentPart = (int)Math.Clamp(contentSize - position, 0, read);
            content.AppendData(buffer, 0, contentPart);
            for (var i = contentPart; i < read; i++) trailer[position + i - contentSize] = buffer[i];
            position += read;
        }
        var holds = contentSize > 0 && contentSize % BlockSize == 0 && content.GetHashAndReset().AsSpan().SequenceEqual(trailer);
        return new Check(holds, size, Convert.ToHexString(whole.GetHashAndReset()).ToLowerInvariant());
    }
}
