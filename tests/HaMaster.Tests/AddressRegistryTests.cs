using HaMaster.Engine.Errors;
using HaMaster.Local;
using HaMaster.TestSupport;

namespace HaMaster.Tests;

/// <summary>
/// The loopback address registry against another local user (issue 14, point 2): each user keeps
/// its reservations in a private folder of its own that no one else can fill, redirect or delete,
/// so two users run clusters side by side; a folder that is not private is refused, not used.
/// </summary>
public sealed class AddressRegistryTests : IDisposable
{
    private readonly PowerShellSession _ps = new();

    [Fact]
    public void Two_users_run_clusters_side_by_side_each_with_reservations_the_other_cannot_touch()
    {
        using var nobody = new SecondUser();
        var mine = Assert.Single(_ps.Get<HaCluster>("New-HaCluster -Name mine"));

        const string createAndLook = """
            $null = New-HaCluster -Name theirs | Add-MasterReplica
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            do { $status = (Get-HaCluster theirs).Status } until ($status -eq 'Healthy' -or [DateTime]::UtcNow -gt $deadline)
            'STATUS=' + $status
            """;
        using (var theirs = new RunnerProcess(nobody.Home, createAndLook, user: nobody))
            Assert.True(theirs.WaitForExit(TimeSpan.FromMinutes(3)) == 0 && theirs.Output.Contains("STATUS=Healthy"), theirs.Output);

        var theirAddress = ClusterStateFile.Read(nobody.Home, "theirs").GetProperty("address").GetString()!;
        var theirBlock = theirAddress[..theirAddress.LastIndexOf('.')];
        var myBlock = mine.Address[..mine.Address.LastIndexOf('.')];
        Assert.NotEqual(myBlock, theirBlock);
        var theirRegistry = Path.Combine(nobody.Home, ".local", "share", "hamaster", "loopback-blocks");
        Assert.Equal(ClusterStateFile.PathOf(nobody.Home, "theirs"), File.ReadAllText(Path.Combine(theirRegistry, theirBlock)));
        Assert.Equal($"it belongs to user id {SecondUser.Id}, not to you (user id 0)", PrivateFolder.Problem(theirRegistry));
        Assert.Equal(ClusterStateFile.PathOf(_ps.Home, "mine"), File.ReadAllText(Path.Combine(LoopbackBlocks.ReservationFolder, myBlock)));
        Assert.False(File.Exists(Path.Combine(LoopbackBlocks.ReservationFolder, theirBlock)));

        Assert.Null(PrivateFolder.Problem(LoopbackBlocks.ReservationFolder));
        Assert.NotEqual(0, nobody.Run("touch", Path.Combine(LoopbackBlocks.ReservationFolder, "127.200.0")));
        Assert.NotEqual(0, nobody.Run("rm", Path.Combine(LoopbackBlocks.ReservationFolder, myBlock)));

        using (var removal = new RunnerProcess(nobody.Home, "Remove-HaCluster theirs -Force", user: nobody))
            Assert.True(removal.WaitForExit(TimeSpan.FromMinutes(2)) == 0, removal.Output);
        Assert.False(File.Exists(Path.Combine(theirRegistry, theirBlock)));
        Assert.True(Directory.Exists(theirRegistry));
        Eventually.Holds("root's cluster to stay healthy", () => _ps.Get<HaCluster>("Get-HaCluster mine").Single().Status == "Healthy", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void A_registry_folder_that_is_a_link_or_belongs_to_another_user_or_is_writable_by_others_is_refused_and_left_alone()
    {
        using var nobody = new SecondUser();
        var planted = Path.Combine(nobody.Home, "planted");
        Assert.Equal(0, nobody.Run("mkdir", planted));
        var dataHome = Path.Combine(_ps.Home, "data");
        var registry = Path.Combine(dataHome, "hamaster", "loopback-blocks");
        Directory.CreateDirectory(Path.GetDirectoryName(registry)!);
        File.CreateSymbolicLink(registry, planted);

        using (var create = new RunnerProcess(_ps.Home, "try { New-HaCluster -Name linked -ErrorAction Stop } catch { 'ERROR=' + $_.FullyQualifiedErrorId; throw }",
            new Dictionary<string, string> { ["XDG_DATA_HOME"] = dataHome }))
        {
            Assert.NotEqual(0, create.WaitForExit(TimeSpan.FromMinutes(2)));
            Assert.Contains("ERROR=StorageFailed,", create.Output);
            Assert.Contains($"'{registry}' is not a private folder of yours: it is a symbolic link", create.Output);
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(planted));
        Assert.Empty(_ps.Get<HaCluster>("Get-HaCluster"));

        var foreign = Path.Combine(nobody.Home, "foreign");
        Assert.Equal(0, nobody.Run("mkdir", "-m", "700", foreign));
        Assert.Equal("it belongs to user id 65534, not to you (user id 0)", PrivateFolder.Problem(foreign));
        var open = Path.Combine(_ps.Home, "open");
        Directory.CreateDirectory(open);
        File.SetUnixFileMode(open, (UnixFileMode)0b111_111_111);
        Assert.Equal("other users may write into it (mode 777)", PrivateFolder.Problem(open));
        var refused = Assert.Throws<HaException>(() => PrivateFolder.Ensure(open, "The folder"));
        Assert.Equal(ErrorIds.StorageFailed, refused.ErrorId);

        var fresh = Path.Combine(_ps.Home, "fresh", "registry");
        PrivateFolder.Ensure(fresh, "The folder");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(fresh));
    }

    public void Dispose() => _ps.Dispose();
}
