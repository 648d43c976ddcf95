using Renci.SshNet;

namespace HaMaster.Gce.Ssh;

/// <summary>
/// Copies a file of this machine to a replica over SFTP, with the module's key and host key check
/// (<see cref="SshConnection"/>). It is written under a temporary name and renamed at the end, so the
/// replica sees the whole file or none.
/// </summary>
public static class SshFileUpload
{
    /// <summary>Uploads <paramref name="localFile"/> to <paramref name="remotePath"/>, replacing a file there.</summary>
    public static async Task UploadAsync(SshOptions options, string localFile, string remotePath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var connection = new SshConnection(options);
        using var client = new SftpClient(connection.Info) { KeepAliveInterval = options.KeepAliveInterval };
        connection.CheckHostKeyOf(client);
        var partial = remotePath + ".partial";
        try
        {
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                deadline.CancelAfter(options.ConnectTimeout * 3);
                await client.ConnectAsync(deadline.Token).ConfigureAwait(false);
            }
            await using (var file = File.OpenRead(localFile))
                await client.UploadFileAsync(file, partial, cancellationToken).ConfigureAwait(false);
            if (await client.ExistsAsync(remotePath, cancellationToken).ConfigureAwait(false))
                await client.DeleteFileAsync(remotePath, cancellationToken).ConfigureAwait(false);
            await client.RenameFileAsync(partial, remotePath, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not IOException)
        {
            if (cancellationToken.IsCancellationRequested) throw new OperationCanceledException(cancellationToken);
            throw connection.Translate(e);
        }
        finally
        {
            if (client.IsConnected) client.Disconnect();
        }
    }
}
