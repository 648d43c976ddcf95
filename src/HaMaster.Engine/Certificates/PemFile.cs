using HaMaster.Engine.State;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace HaMaster.Engine.Certificates;

/// <summary>Writes and reads PEM certificate and key files with safe permissions.</summary>
public static class PemFile
{
    private const UnixFileMode CertificateMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private const UnixFileMode PrivateKeyMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes a certificate file readable by everyone (0644).</summary>
    public static void WriteCertificate(string path, string pem) => WriteReplacing(path, pem, CertificateMode);

    /// <summary>
    /// Writes a private key file that is owner-only (0600) from the moment it exists.
    /// An existing file is replaced atomically, so readers never see a partial key.
    /// </summary>
    public static void WritePrivateKey(string path, string pem) => WriteReplacing(path, pem, PrivateKeyMode);

    /// <summary>Loads the first certificate of a PEM file, without a private key.</summary>
    public static X509Certificate2 LoadCertificate(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return PemCertificateLoader.CertificateOnly(File.ReadAllText(path));
    }

    /// <summary>Loads a certificate with its private key, ready for use in SslStream.</summary>
    public static X509Certificate2 LoadWithKey(string certPath, string keyPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(certPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyPath);
        return PemCertificateLoader.WithPrivateKey(File.ReadAllText(certPath), File.ReadAllText(keyPath));
    }

    private static void WriteReplacing(string path, string pem, UnixFileMode mode) =>
        AtomicFile.Write(path, Encoding.ASCII.GetBytes(pem), mode);
}
