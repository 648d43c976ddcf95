using System.Security.Cryptography;

namespace HaMaster.Testing.Compute.FakeVm;

/// <summary>
/// A /24 of loopback addresses, 127.9.N.0, reserved machine-wide for one <see cref="FakeVmHost"/>
/// (one file per block in the temporary folder, holding the owner's folder), so that harnesses of
/// parallel tests or test runs never share an address. 127.9 is clear of the Local provider
/// (127.16 and up), the engine tests (127.6–127.8) and the SSH tests (127.12).
/// </summary>
public sealed class FakeVmAddressBlock : IDisposable
{
    public const string ReservationFolderName = "hamaster-fakevm-loopback";

    private readonly string _file;
    private readonly string _owner;

    private FakeVmAddressBlock(string prefix, string file, string owner)
    {
        Prefix = prefix;
        _file = file;
        _owner = owner;
    }

    public static string ReservationFolder => Path.Combine(Path.GetTempPath(), ReservationFolderName);

    /// <summary>The first three octets, such as "127.9.41".</summary>
    public string Prefix { get; }

    public string ReservationFile => _file;

    /// <summary>Reserves a free block for <paramref name="owner"/> (a folder; a block whose owner folder is gone is stale and taken over).</summary>
    public static FakeVmAddressBlock Reserve(string owner)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            var prefix = $"127.9.{RandomNumberGenerator.GetInt32(0, 256)}";
            var file = Path.Combine(ReservationFolder, prefix);
            try
            {
                Directory.CreateDirectory(ReservationFolder);
                using (var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write))
                    stream.Write(System.Text.Encoding.UTF8.GetBytes(owner));
                return new FakeVmAddressBlock(prefix, file, owner);
            }
            catch (DirectoryNotFoundException)
            {
                // Another harness removed the empty folder in between: try again.
            }
            catch (IOException) when (File.Exists(file))
            {
                if (IsStale(file)) TryDelete(file);
            }
        }
        throw new InvalidOperationException($"No free block of loopback addresses 127.9.N.0/24; delete stale files in '{ReservationFolder}'.");
    }

    public void Dispose()
    {
        try
        {
            if (File.Exists(_file) && File.ReadAllText(_file) == _owner) File.Delete(_file);
            if (Directory.Exists(ReservationFolder) && !Directory.EnumerateFileSystemEntries(ReservationFolder).Any())
                Directory.Delete(ReservationFolder);
        }
        catch (IOException)
        {
            // Another harness reserved a block in between: its file keeps the folder.
        }
    }

    private static bool IsStale(string file)
    {
        try
        {
            var owner = File.ReadAllText(file);
            return owner.Length > 0 && !Directory.Exists(owner);
        }
        catch (IOException) { return false; }
    }

    private static void TryDelete(string file)
    {
        try { File.Delete(file); } catch (IOException) { }
    }
}
