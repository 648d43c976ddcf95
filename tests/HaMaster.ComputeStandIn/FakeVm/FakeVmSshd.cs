using System.Diagnostics;
using HaMaster.Gce.Bootstrap;
using HaMaster.Gce.Ssh;
using HaMaster.Local.Processes;

namespace HaMaster.Testing.Compute.FakeVm;

/// <summary>
/// A fake VM's SSH server, as a Compute Engine image with the guest environment has one: an OpenSSH
/// <c>sshd</c> (Debian openssh-server) on the VM's external address, port 22, with the VM's own host
/// key, made at first boot and kept on its disk, published in the instance's guest attributes
/// (<c>hostkeys/ssh-ed25519</c>); the users and keys of the instance's <c>ssh-keys</c> metadata
/// authorized; port forwarding allowed; SFTP confined to the VM's root folder, so that a file the
/// module uploads lands on the VM's disk. As the guest agent does, a user named in <c>ssh-keys</c> that
/// does not exist on the machine is created (a system account without password or home), which
/// needs root.
/// </summary>
internal static class FakeVmSshd
{
    public const string Program = "/usr/sbin/sshd";
    public const int Port = 22;
    public const string SshKeysMetadataKey = "ssh-keys";

    /// <summary>Boot: the host key (made once), the authorized keys of this boot's metadata, the accounts, the config.</summary>
    public static void Prepare(FakeVm vm, IReadOnlyDictionary<string, string> metadata, ComputeStandIn standIn)
    {
        if (!File.Exists(Program))
            throw new InvalidOperationException($"{Program} is missing: install the Debian package openssh-server.");
        if (!File.Exists(vm.SshHostKey))
        {
            var hostKey = SshKeyPair.Generate($"root@{vm.Name}");
            hostKey.WritePrivateKey(vm.SshHostKey);
            File.WriteAllText(vm.SshHostKey + ".pub", hostKey.PublicKey + "\n");
        }
        var published = File.ReadAllText(vm.SshHostKey + ".pub").Split(' ');
        standIn.SetGuestAttribute(vm.Project, vm.Zone, vm.Name, "hostkeys", published[0], published[1]);

        var entries = (metadata.GetValueOrDefault(SshKeysMetadataKey) ?? "")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2)
            .ToList();
        foreach (var user in entries.Select(e => e[0]).Distinct(StringComparer.Ordinal))
            EnsureAccount(user);
        File.WriteAllLines(vm.SshAuthorizedKeys, entries.Select(e => e[1]));
        // sshd reads it as the user logging in: public keys, readable by all.
        File.SetUnixFileMode(vm.SshAuthorizedKeys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        // sshd refuses to start without its privilege separation folder, which the package's service makes.
        Directory.CreateDirectory("/run/sshd");
        RequireChrootable(vm.RootFolder);
        // Every user of an image may write to /var/tmp (sticky): the module uploads a snapshot there.
        var upload = FakeVmBootPlan.Rooted(vm.RootFolder, SnapshotRestoreSpec.UploadFolder);
        Directory.CreateDirectory(upload);
        File.SetUnixFileMode(upload, (UnixFileMode)Convert.ToInt32("1777", 8));
        WriteConfig(vm);
    }

    /// <summary>Listens on the VM's external address, or on nothing while it has none (sshd then is not started).</summary>
    public static void WriteConfig(FakeVm vm)
    {
        var listen = vm.ExternalAddress is { } external ? $"ListenAddress {external}:{Port}" : "";
        File.WriteAllText(vm.SshConfig, $"""
            {listen}
            HostKey {vm.SshHostKey}
            PidFile none
            AuthorizedKeysFile {vm.SshAuthorizedKeys}
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin no
            AllowTcpForwarding local
            ChrootDirectory {vm.RootFolder}
            Subsystem sftp internal-sftp
            StrictModes no
            UsePAM no
            LogLevel VERBOSE

            """);
    }

    /// <summary>
    /// sshd's ChrootDirectory rule, checked here so that a harness in the wrong place says so: the root
    /// folder and every folder above it may be written by their owner only (root, who runs the tests).
    /// </summary>
    private static void RequireChrootable(string rootFolder)
    {
        Directory.CreateDirectory(rootFolder);
        for (var folder = new DirectoryInfo(rootFolder); folder is not null; folder = folder.Parent)
            if ((folder.UnixFileMode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
                throw new InvalidOperationException($"sshd cannot confine the VM's SSH user to {rootFolder}: {folder.FullName} is writable by others; give the harness a parent folder such as {FakeVmHost.RootOwnedParentFolder}.");
    }

    public static int Start(FakeVm vm) => DetachedProcess.Start(Program, ["-D", "-e", "-f", vm.SshConfig], vm.SshLog);

    private static void EnsureAccount(string user)
    {
        if (Run("getent", "passwd", user) == 0) return;
        if (Environment.UserName != "root")
            throw new InvalidOperationException($"the ssh-keys metadata names user '{user}', which does not exist here; only root can create it as the guest agent would.");
        // A system account with no password ('*', not locked: sshd refuses locked accounts) and no home.
        if (Run("useradd", "--system", "--no-create-home", "--shell", "/bin/sh", "--password", "*", user) != 0 && Run("getent", "passwd", user) != 0)
            throw new InvalidOperationException($"useradd could not create user '{user}'.");
    }

    private static int Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        if (!process.WaitForExit(30_000)) process.Kill();
        return process.ExitCode;
    }
}
