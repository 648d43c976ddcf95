using HaMaster.Engine.Errors;
using HaMaster.Engine.Model;
using HaMaster.Engine.State;
using HaMaster.TestSupport;
using Xunit;

namespace HaMaster.Engine.Tests.State;

public sealed class ClusterStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hm-store-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public void State_round_trips()
    {
        var store = new ClusterStore(new StateDirectory(_root));
        var state = new ClusterState { Name = "demo", Zone = "local-a", Address = "127.20.1.1", MultiZone = true };
        state.Replicas.Add(new ReplicaRecord { Name = "demo-master", Zone = "local-a", InternalAddress = "127.20.1.2", Phase = ReplicaPhase.Active, EtcdMemberId = ulong.MaxValue });
        store.Save(state);
        var loaded = store.Load("demo");
        Assert.True(loaded.MultiZone);
        Assert.Equal(ulong.MaxValue, loaded.Replicas.Single().EtcdMemberId);
        Assert.Equal(["demo"], store.ListClusterNames());
    }

    [Fact]
    public void A_save_that_hits_a_full_disk_leaves_no_temporary_file_and_the_old_state_intact()
    {
        var store = new ClusterStore(new StateDirectory(_root));
        var state = new ClusterState { Name = "demo", Zone = "local-a", Address = "127.20.1.1" };
        var folder = store.Directory.ClusterDirectory("demo");
        Directory.CreateDirectory(folder);
        ShellCommand.Run($"mount -t tmpfs -o size=16k tmpfs '{folder}'");
        try
        {
            store.Save(state);
            var saved = File.ReadAllText(store.Directory.StateFile("demo"));
            using (var filler = new FileStream(Path.Combine(folder, "filler"), FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1))
                try { while (true) filler.Write(new byte[512]); } catch (IOException) { }
            for (var i = 0; i < 40; i++)
                state.Replicas.Add(new ReplicaRecord { Name = $"demo-master-{i:000}", Zone = "local-a", InternalAddress = $"127.20.1.{i + 2}", Phase = ReplicaPhase.Active });

            Assert.ThrowsAny<IOException>(() => store.Save(state));

            Assert.DoesNotContain(Directory.EnumerateFiles(folder), f => f.EndsWith(".tmp", StringComparison.Ordinal));
            Assert.Equal(saved, File.ReadAllText(store.Directory.StateFile("demo")));
        }
        finally
        {
            ShellCommand.Run($"umount '{folder}'");
        }
    }

    [Fact]
    public void A_corrupt_state_file_is_reported_with_what_to_do()
    {
        var store = new ClusterStore(new StateDirectory(_root));
        Directory.CreateDirectory(store.Directory.ClusterDirectory("demo"));
        File.WriteAllText(store.Directory.StateFile("demo"), "{ not json");
        var error = Assert.Throws<HaException>(() => store.Load("demo"));
        Assert.Equal(ErrorIds.StateCorrupt, error.ErrorId);
        Assert.Equal(HaErrorCategory.InvalidData, error.Category);
        Assert.Contains(store.Directory.StateFile("demo"), error.RecommendedAction);
        Assert.Contains("Remove-HaCluster -Name demo -Force", error.RecommendedAction);
        Assert.Equal("{ not json", File.ReadAllText(store.Directory.StateFile("demo")));
    }

    [Fact]
    public void A_save_keeps_the_state_it_replaces_so_a_damaged_file_can_be_put_back()
    {
        var store = new ClusterStore(new StateDirectory(_root));
        var state = new ClusterState { Name = "demo", Zone = "local-a", Address = "127.0.0.1", BackupRetention = 3 };
        store.Save(state);
        Assert.False(File.Exists(store.Directory.PreviousStateFile("demo")));
        store.Save(new ClusterState { Name = "demo", Zone = "local-a", Address = "127.0.0.1", BackupRetention = 4 });

        File.WriteAllText(store.Directory.StateFile("demo"), "{");
        File.Copy(store.Directory.PreviousStateFile("demo"), store.Directory.StateFile("demo"), overwrite: true);

        Assert.Equal(3, store.Load("demo").BackupRetention);
    }

    [Theory]
    [InlineData("../../../../victim")]
    [InlineData("demo-master/../../../victim")]
    [InlineData("other-master")]
    [InlineData("")]
    public async Task A_state_naming_a_replica_outside_the_naming_scheme_is_corrupt_and_removing_the_cluster_deletes_nothing(string name)
    {
        var victim = Directory.CreateDirectory(Path.Combine(_root, "victim"));
        File.WriteAllText(Path.Combine(victim.FullName, "keep"), "precious");
        var store = new ClusterStore(new StateDirectory(Path.Combine(_root, "a", "b")));
        var state = new ClusterState { Name = "demo", Zone = "local-a", Address = "127.20.1.1" };
        state.Replicas.Add(new ReplicaRecord { Name = "demo-master", Zone = "local-a", InternalAddress = "127.20.1.2", Phase = ReplicaPhase.Active });
        state.Replicas.Add(new ReplicaRecord { Name = name, Zone = "local-a", InternalAddress = "127.20.1.3", Phase = ReplicaPhase.Active });
        store.Save(state);

        var error = Assert.Throws<HaException>(() => store.Load("demo"));
        Assert.Equal(ErrorIds.StateCorrupt, error.ErrorId);
        Assert.Contains($"'{name}'", error.Message);

        var engine = new HaEngine(store.Directory, _ => throw new InvalidOperationException("no provider may be reached"), NullObserver.Instance);
        var removal = await Assert.ThrowsAsync<HaException>(() => engine.RemoveClusterAsync("demo", CancellationToken.None));
        Assert.Equal(ErrorIds.StateCorrupt, removal.ErrorId);
        Assert.Equal("precious", File.ReadAllText(Path.Combine(victim.FullName, "keep")));
    }

    [Fact]
    public void Paths_of_replicas_refuse_names_that_could_leave_their_folder()
    {
        var directory = new StateDirectory(_root);
        Assert.Throws<ArgumentException>(() => directory.ReplicaDirectory("demo", "../demo-master"));
        Assert.Throws<ArgumentException>(() => new Pki.ClusterPki(directory.PkiDirectory("demo")).FilesFor(".."));
        Assert.EndsWith(Path.Combine("demo", "replicas", "demo-master-1a2"), directory.ReplicaDirectory("demo", "demo-master-1a2"));
    }

    [Fact]
    public void An_unknown_cluster_is_not_found() =>
        Assert.Equal(ErrorIds.ClusterNotFound, Assert.Throws<HaException>(() => new ClusterStore(new StateDirectory(_root)).Load("nope")).ErrorId);

    [Fact]
    public void A_name_cannot_reach_outside_the_state_folder() =>
        Assert.Equal(ErrorIds.InvalidClusterName, Assert.Throws<HaException>(() => new StateDirectory(_root).ClusterDirectory("../x")).ErrorId);

    [Fact]
    public async Task The_lock_is_exclusive_and_released_on_dispose()
    {
        var file = Path.Combine(_root, "x.lock");
        Directory.CreateDirectory(_root);
        using (await ClusterLock.AcquireAsync(file, "demo", "test", TimeSpan.FromSeconds(5), null, CancellationToken.None))
        {
            var error = await Assert.ThrowsAsync<HaException>(() => ClusterLock.AcquireAsync(file, "demo", "second", TimeSpan.FromMilliseconds(300), null, CancellationToken.None));
            Assert.Equal(ErrorIds.ClusterBusy, error.ErrorId);
        }
        using var again = await ClusterLock.AcquireAsync(file, "demo", "third", TimeSpan.FromSeconds(5), null, CancellationToken.None);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_command_waiting_on_a_removal_ends_at_once_and_a_create_goes_on(bool create)
    {
        var file = Path.Combine(_root, "clusters", "gone", "cluster.lock");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var holder = await ClusterLock.AcquireAsync(file, "gone", "Remove-HaCluster", TimeSpan.FromSeconds(5), null, CancellationToken.None);
        var waiting = Waiting(out var waits, onWait => ClusterLock.AcquireAsync(file, "gone", create ? "New-HaCluster" : "Add-MasterReplica",
            TimeSpan.FromMinutes(5), onWait, CancellationToken.None, mayCreate: create));
        await waits.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        holder.Dispose();

        if (create)
        {
            using var created = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(File.Exists(file));
        }
        else
            Assert.Equal(ErrorIds.ClusterNotFound, (await Assert.ThrowsAsync<HaException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(30)))).ErrorId);
    }

    [Fact]
    public async Task A_waiter_on_a_lock_file_its_holder_deleted_does_not_hold_it_beside_a_newcomer()
    {
        var file = Path.Combine(_root, "x.lock");
        Directory.CreateDirectory(_root);
        var holder = await ClusterLock.AcquireAsync(file, "demo", "first", TimeSpan.FromSeconds(5), null, CancellationToken.None);
        var waiter = Waiting(out var waits, onWait => ClusterLock.AcquireAsync(file, "demo", "waiter", TimeSpan.FromSeconds(3), onWait, CancellationToken.None));
        await waits.Task.WaitAsync(TimeSpan.FromSeconds(30));

        holder.ReleaseAndDelete();
        using var newcomer = await ClusterLock.AcquireAsync(file, "demo", "newcomer", TimeSpan.FromSeconds(5), null, CancellationToken.None);

        Assert.Equal(ErrorIds.ClusterBusy, (await Assert.ThrowsAsync<HaException>(() => waiter.WaitAsync(TimeSpan.FromSeconds(30)))).ErrorId);
    }

    [Fact]
    public async Task A_lock_file_that_cannot_be_written_is_a_storage_failure_at_once_not_a_wait()
    {
        var folder = Path.Combine(_root, "clusters", "ro");
        Directory.CreateDirectory(folder);
        ShellCommand.Run($"mount -t tmpfs -o ro,size=16k tmpfs '{folder}'");
        try
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<HaException>(() => ClusterLock.AcquireAsync(Path.Combine(folder, "cluster.lock"), "ro", "test", TimeSpan.FromMinutes(5), null, CancellationToken.None));
            Assert.Equal(ErrorIds.StorageFailed, error.ErrorId);
            Assert.Contains("Read-only file system", error.Message);
            Assert.True(watch.Elapsed < TimeSpan.FromMinutes(1), $"took {watch.Elapsed}");
        }
        finally
        {
            ShellCommand.Run($"umount '{folder}'");
        }
    }

    [Fact]
    public async Task A_state_folder_path_through_a_file_is_a_storage_failure()
    {
        Directory.CreateDirectory(_root);
        var file = Path.Combine(_root, "a-file");
        File.WriteAllText(file, "");
        var error = await Assert.ThrowsAsync<HaException>(() => ClusterLock.AcquireAsync(Path.Combine(file, "clusters", "st", "cluster.lock"), "st", "New-HaCluster",
            TimeSpan.FromMinutes(5), null, CancellationToken.None, mayCreate: true).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(ErrorIds.StorageFailed, error.ErrorId);
    }

    /// <summary>Starts <paramref name="acquire"/>; <paramref name="waits"/> completes once it says it waits.</summary>
    private static Task<ClusterLock> Waiting(out TaskCompletionSource<string> waits, Func<Action<string>, Task<ClusterLock>> acquire)
    {
        var said = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        waits = said;
        return Task.Run(() => acquire(message => said.TrySetResult(message)));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
