using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using HaMaster.Runner;

namespace HaMaster.Tests;

/// <summary>
/// What a user sees: view objects with fixed values rendered by the hosted engine's default output
/// (Out-Default, through the format file, onto a 120-column host) and compared with the expected text.
/// No cluster is needed.
/// </summary>
public sealed partial class ViewTests
{
    private const int ConsoleWidth = 120;
    private static readonly DateTimeOffset Created = new(2024, 5, 1, 10, 0, 0, TimeSpan.Zero);

    private static readonly MasterReplica HealthyLeader = new()
    {
        Cluster = "quickstart", Name = "quickstart-master", Zone = "local-a", Provider = "Local", Status = "Running",
        Healthy = true, InternalAddress = "127.6.0.11", EtcdMemberId = "8e9e05c52164694d", EtcdRole = "Leader",
        ApiHealthy = true, CreatedAt = Created,
    };

    private static readonly MasterReplica UnhealthyReplica = new()
    {
        Cluster = "quickstart", Name = "quickstart-master-2f1", Zone = "local-b", Provider = "Local", Status = "Partial",
        Healthy = false,
        Problems =
        [
            "etcd member does not answer: connection refused by https://127.6.0.12:2379 after 3 attempts within 5 seconds",
            "API endpoint process is not running",
        ],
        InternalAddress = "127.6.0.12", EtcdMemberId = "5a1b9c0d2e3f4a5b", EtcdRole = "Unreachable", CreatedAt = Created,
    };

    private static readonly MasterReplica JoiningLearner = new()
    {
        Cluster = "quickstart", Name = "quickstart-master-9c0", Zone = "local-c", Provider = "Local", Status = "Joining",
        Healthy = false, Problems = ["etcd member is a learner, not yet promoted"], InternalAddress = "127.6.0.13",
        EtcdMemberId = "91bc3c398fb3c146", EtcdRole = "Learner", ApiHealthy = true, CreatedAt = Created,
    };

    /// <summary>A name longer than its column: it wraps inside the column.</summary>
    private static readonly MasterReplica LongNamedReplica = new()
    {
        Cluster = "production-europe-west", Name = "production-europe-west-master-4ab", Zone = "europe-west1-b",
        Provider = "Gce", Status = "Running", Healthy = true, InternalAddress = "10.132.0.17", ExternalAddress = "34.76.120.5",
        EtcdMemberId = "0c7a3f29e6b14d58", EtcdRole = "Follower", ApiHealthy = true, CreatedAt = Created,
    };

    private static readonly LoadBalancer Haproxy = new()
    {
        Cluster = "quickstart", Name = "quickstart-haproxy", Address = "127.6.0.1", Status = "Running",
        Backends =
        [
            new LoadBalancerBackend { Replica = "quickstart-master", Address = "127.6.0.11", State = "Up" },
            new LoadBalancerBackend { Replica = "quickstart-master-2f1", Address = "127.6.0.12", State = "Down" },
            new LoadBalancerBackend { Replica = "quickstart-master-9c0", Address = "127.6.0.13", State = "Maintenance" },
        ],
    };

    private static readonly HaCluster DegradedCluster = new()
    {
        Name = "quickstart", Provider = "Local", Zone = "local-a", Address = "127.6.0.1", Endpoint = "https://127.6.0.1:6443",
        ReplicaCount = 3, HealthyReplicaCount = 1, FaultTolerance = 0, LoadBalancer = Haproxy, MultiZone = true, EtcdQuotaBytes = 8_589_934_592,
        EtcdQuorumReads = true, Status = "Degraded",
        Problems =
        [
            "quickstart-master-2f1: etcd member does not answer: connection refused; API endpoint process is not running",
            "quickstart-master-9c0: etcd member is a learner, not yet promoted",
        ],
        CreatedAt = Created,
        CertificatesExpireAt = Created.AddDays(365),
    };

    private static readonly HaCluster SingleReplicaCluster = new()
    {
        Name = "demo", Provider = "Gce", Project = "hamaster-demo", Region = "us-central1", Zone = "us-central1-a",
        Address = "34.123.45.67", Endpoint = "https://34.123.45.67:443", ReplicaCount = 1, HealthyReplicaCount = 1,
        Status = "Healthy", CreatedAt = Created, EtcdQuotaBytes = 2_147_483_648,
    };

    private static readonly EtcdMember LeaderMember = new()
    {
        Cluster = "quickstart", Id = "8e9e05c52164694d", Name = "quickstart-master",
        PeerUrls = ["https://127.6.0.11:2380"], ClientUrls = ["https://127.6.0.11:2379"],
        IsLeader = true, RaftIndex = 10452, DbSize = 26_214_400, DbSizeInUse = 20_971_520, Fragmentation = 0.2, Healthy = true,
    };

    private static readonly EtcdMember FullMember = new()
    {
        Cluster = "quickstart", Id = "0c7a3f29e6b14d58", Name = "quickstart-master-7d3",
        PeerUrls = ["https://127.6.0.15:2380"], ClientUrls = ["https://127.6.0.15:2379"],
        RaftIndex = 10452, DbSize = 2_147_483_648, DbSizeInUse = 1_879_048_192, Fragmentation = 0.125, Alarms = ["NOSPACE"], Healthy = false,
        Problem = "etcd alarm NOSPACE: the database reached its quota of 2 GiB and the cluster takes no writes; delete what is not needed, then run Optimize-HaCluster -Cluster quickstart",
    };

    private static readonly EtcdMember LearnerMember = new()
    {
        Cluster = "quickstart", Id = "91bc3c398fb3c146", Name = "quickstart-master-9c0",
        PeerUrls = ["https://127.6.0.13:2380"], ClientUrls = ["https://127.6.0.13:2379", "https://127.0.0.1:23790"],
        IsLearner = true, RaftIndex = 10440, DbSize = 20_971_520, DbSizeInUse = 20_971_520, Fragmentation = 0, Healthy = false, Problem = "learner, not yet promoted",
    };

    private static readonly EtcdMember SilentMember = new()
    {
        Cluster = "quickstart", Id = "5a1b9c0d2e3f4a5b", Name = "quickstart-master-2f1",
        PeerUrls = ["https://127.6.0.12:2380"], ClientUrls = ["https://127.6.0.12:2379"],
        Healthy = false, Problem = "does not answer",
    };

    private static readonly EtcdMember NeverStartedMember = new()
    {
        Cluster = "quickstart", Id = "c3d4e5f60718293a", Name = "", PeerUrls = ["https://127.6.0.14:2380"],
        IsLearner = true, Healthy = false, Problem = "added but never started",
    };

    private static readonly HaClusterBackup AlteredBackup = new()
    {
        Cluster = "quickstart", Name = "quickstart-20261205-031500-before-add", Path = "/backups/quickstart-20261205-031500-before-add.db",
        Reason = "BeforeAdd", SourceReplica = "quickstart-master-9c0", Revision = 10440, SizeBytes = 2_117_664,
        Sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", TakenAt = new DateTimeOffset(2026, 12, 5, 3, 15, 0, TimeSpan.Zero),
        Verified = false, Problem = "its snapshot file's SHA-256 differs from the one its manifest records",
    };

    private static readonly HaClusterRestore LossyRestore = new()
    {
        Cluster = "quickstart", Source = "replica quickstart-master-9c0", SnapshotPath = "/backups/quickstart-20261205-040000-before-restore.db",
        Revision = 10440, NewestRevisionSeen = 10512, ReplicaCount = 3, Status = "Healthy",
    };

    private static readonly HaKubeConfig Credential = new()
    {
        Cluster = "quickstart", Context = "hamaster-quickstart", UserName = "hamaster-admin", Server = "https://127.1.0.1:6443",
        Path = "/home/ops/.kube/config", ExpiresAt = new DateTimeOffset(2026, 12, 6, 9, 30, 0, TimeSpan.Zero), Thumbprint = "5E0F6C2B9A1D3E4F5A6B7C8D9E0F1A2B3C4D5E6F",
    };

    private static readonly HaCertificate ApiCertificate = new()
    {
        Cluster = "quickstart", Replica = "quickstart-master-9c0", Usage = "ApiServer", Subject = "CN=quickstart-master-9c0",
        DnsNames = ["kubernetes", "quickstart-master-9c0", "localhost"], IPAddresses = ["127.6.0.1", "127.6.0.3"],
        NotBefore = new DateTimeOffset(2026, 12, 5, 3, 10, 0, TimeSpan.Zero), NotAfter = new DateTimeOffset(2026, 12, 19, 3, 15, 0, TimeSpan.Zero),
        ExpiresIn = TimeSpan.FromDays(12.5), Thumbprint = "0A1B2C3D4E5F60718293A4B5C6D7E8F901234567",
        Path = "/home/ops/.hamaster/clusters/quickstart/pki/replicas/quickstart-master-9c0/apiserver.crt",
    };

    private static readonly EtcdDefragmentation Defragmented = new()
    {
        Cluster = "quickstart", Member = "quickstart-master-7d3", DbSizeBefore = 2_147_483_648, DbSizeAfter = 104_857_600,
        Duration = TimeSpan.FromSeconds(2.4), AlarmsCleared = ["NOSPACE"],
    };

    private static readonly EtcdDefragmentation Compacted = new()
    {
        Cluster = "quickstart", Member = "quickstart-master", DbSizeBefore = 26_214_400, DbSizeAfter = 20_971_520, Duration = TimeSpan.FromSeconds(0.4),
    };

    /// <summary>One object of each output type, for the list views.</summary>
    private static readonly IReadOnlyDictionary<Type, object> OneOfEach = new Dictionary<Type, object>
    {
        [typeof(HaCluster)] = DegradedCluster,
        [typeof(MasterReplica)] = UnhealthyReplica,
        [typeof(EtcdMember)] = LearnerMember,
        [typeof(LoadBalancer)] = Haproxy,
        [typeof(LoadBalancerBackend)] = Haproxy.Backends[2],
        [typeof(HaClusterBackup)] = AlteredBackup,
        [typeof(HaClusterRestore)] = LossyRestore,
        [typeof(HaKubeConfig)] = Credential,
        [typeof(HaCertificate)] = ApiCertificate,
        [typeof(EtcdDefragmentation)] = Defragmented,
    };

    /// <summary>Every public type of the HaMaster namespace: the objects the cmdlets emit.</summary>
    public static TheoryData<Type> OutputTypes()
    {
        var data = new TheoryData<Type>();
        foreach (var type in typeof(MasterReplica).Assembly.GetExportedTypes().Where(t => t.Namespace == "HaMaster" && t.IsClass).OrderBy(t => t.Name))
            data.Add(type);
        return data;
    }

    [Fact]
    public void The_replica_table_shows_each_problem_of_an_unhealthy_replica_within_120_columns()
    {
        AssertRendered([HealthyLeader, UnhealthyReplica, JoiningLearner, LongNamedReplica], """
            Name                   Zone          Status   Healthy EtcdRole    Address         Problems
            ----                   ----          ------   ------- --------    -------         --------
            quickstart-master      local-a       Running  True    Leader      127.6.0.11
            quickstart-master-2f1  local-b       Partial  False   Unreachable 127.6.0.12      etcd member does not answer:
                                                                                              connection refused by
                                                                                              https://127.6.0.12:2379 after 3
                                                                                              attempts within 5 seconds;
                                                                                              API endpoint process is not running
            quickstart-master-9c0  local-c       Joining  False   Learner     127.6.0.13      etcd member is a learner, not yet
                                                                                              promoted
            production-europe-west europe-west1- Running  True    Follower    10.132.0.17
            -master-4ab            b
            """);
    }

    [Fact]
    public void The_cluster_table_shows_replica_counts_fault_tolerance_and_problems()
    {
        AssertRendered([DegradedCluster, SingleReplicaCluster], """
            Name             Zone          Endpoint                      Healthy Tolerates Status   Problems
            ----             ----          --------                      ------- --------- ------   --------
            quickstart       local-a       https://127.6.0.1:6443         1 of 3         0 Degraded quickstart-master-2f1: etcd
                                                                                                    member does not answer:
                                                                                                    connection refused; API
                                                                                                    endpoint process is not
                                                                                                    running;
                                                                                                    quickstart-master-9c0: etcd
                                                                                                    member is a learner, not yet
                                                                                                    promoted
            demo             us-central1-a https://34.123.45.67:443       1 of 1         0 Healthy
            """);
    }

    [Fact]
    public void The_etcd_member_table_shows_roles_and_problems()
    {
        AssertRendered([LeaderMember, LearnerMember, SilentMember, NeverStartedMember, FullMember], """
            Id               Name                   Role     Healthy RaftIndex  DbSizeMB  Free Problem
            --               ----                   ----     ------- ---------  --------  ---- -------
            8e9e05c52164694d quickstart-master      Leader   True        10452      25.0   20%
            91bc3c398fb3c146 quickstart-master-9c0  Learner  False       10440      20.0    0% learner, not yet promoted
            5a1b9c0d2e3f4a5b quickstart-master-2f1  Follower False                             does not answer
            c3d4e5f60718293a                        Learner  False                             added but never started
            0c7a3f29e6b14d58 quickstart-master-7d3  Follower False       10452   2,048.0   12% etcd alarm NOSPACE: the
                                                                                               database reached its quota of
                                                                                               2 GiB and the cluster takes no
                                                                                               writes; delete what is not
                                                                                               needed, then run
                                                                                               Optimize-HaCluster -Cluster
                                                                                               quickstart
            """);
    }

    [Fact]
    public void The_defragmentation_table_shows_the_space_each_member_gave_back()
    {
        AssertRendered([Compacted, Defragmented], """
            Cluster          Member                  BeforeMB   AfterMB ReclaimedMB Seconds AlarmsCleared
            -------          ------                  --------   ------- ----------- ------- -------------
            quickstart       quickstart-master           25.0      20.0         5.0     0.4
            quickstart       quickstart-master-7d3    2,048.0     100.0     1,948.0     2.4 NOSPACE
            """);
    }

    [Fact]
    public void The_load_balancer_table_shows_each_backend_with_its_state()
    {
        AssertRendered([Haproxy], """
            Name                     Cluster          Address         Status   Backends
            ----                     -------          -------         ------   --------
            quickstart-haproxy       quickstart       127.6.0.1       Running  quickstart-master Up
                                                                               quickstart-master-2f1 Down
                                                                               quickstart-master-9c0 Maintenance
            """);
        AssertRendered(Haproxy.Backends, """
            Replica                  Address         State       Healthy
            -------                  -------         -----       -------
            quickstart-master        127.6.0.11      Up          True
            quickstart-master-2f1    127.6.0.12      Down        False
            quickstart-master-9c0    127.6.0.13      Maintenance False
            """);
    }

    [Fact]
    public void The_list_views_render_every_property_readably()
    {
        // Long values wrap where the engine's list layout breaks them, within the width.
        AssertRendered([UnhealthyReplica], listView: true, expected: """
            Cluster         : quickstart
            Name            : quickstart-master-2f1
            Provider        : Local
            Zone            : local-b
            Status          : Partial
            Healthy         : False
            Unhealthy       : True
            Problems        : etcd member does not answer: connection refused by https://127.6.0.12:2379 after 3 attempts within 5
                              seconds
                              API endpoint process is not running
            InternalAddress : 127.6.0.12
            ExternalAddress :
            EtcdRole        : Unreachable
            EtcdMemberId    : 5a1b9c0d2e3f4a5b
            ApiHealthy      : False
            CreatedAt       : 2024-05-01 10:00:00Z
            """);
        AssertRendered([DegradedCluster, SingleReplicaCluster], listView: true, expected: """
            Name                 : quickstart
            Cluster              : quickstart
            Provider             : Local
            Project              :
            Region               :
            Zone                 : local-a
            MultiZone            : True
            Address              : 127.6.0.1
            Endpoint             : https://127.6.0.1:6443
            Status               : Degraded
            Problems             : quickstart-master-2f1: etcd member does not answer: connection refused; API endpoint process is
                                   not running
                                   quickstart-master-9c0: etcd member is a learner, not yet promoted
            ReplicaCount         : 3
            HealthyReplicaCount  : 1
            FaultTolerance       : 0
            LoadBalancer         : quickstart-haproxy (127.6.0.1, 1/3 backends up)
            EtcdQuorumReads      : True
            EtcdQuotaBytes       : 8589934592
            CreatedAt            : 2024-05-01 10:00:00Z
            CertificatesExpireAt : 2025-05-01 10:00:00Z

            Name                 : demo
            Cluster              : demo
            Provider             : Gce
            Project              : hamaster-demo
            Region               : us-central1
            Zone                 : us-central1-a
            MultiZone            : False
            Address              : 34.123.45.67
            Endpoint             : https://34.123.45.67:443
            Status               : Healthy
            Problems             :
            ReplicaCount         : 1
            HealthyReplicaCount  : 1
            FaultTolerance       : 0
            LoadBalancer         : (none)
            EtcdQuorumReads      : False
            EtcdQuotaBytes       : 2147483648
            CreatedAt            : 2024-05-01 10:00:00Z
            CertificatesExpireAt :
            """);
        AssertRendered([LearnerMember], listView: true, expected: """
            Cluster       : quickstart
            Id            : 91bc3c398fb3c146
            Name          : quickstart-master-9c0
            IsLeader      : False
            IsLearner     : True
            Healthy       : False
            Problem       : learner, not yet promoted
            PeerUrls      : https://127.6.0.13:2380
            ClientUrls    : https://127.6.0.13:2379
                            https://127.0.0.1:23790
            RaftIndex     : 10440
            DbSize        : 20971520
            DbSizeInUse   : 20971520
            Fragmentation : 0
            Alarms        :
            """);
        AssertRendered([Defragmented], listView: true, expected: """
            Cluster        : quickstart
            Member         : quickstart-master-7d3
            DbSizeBefore   : 2147483648
            DbSizeAfter    : 104857600
            ReclaimedBytes : 2042626048
            Duration       : 00:00:02.4000000
            AlarmsCleared  : NOSPACE
            """);
        AssertRendered([Haproxy], listView: true, expected: """
            Cluster  : quickstart
            Name     : quickstart-haproxy
            Address  : 127.6.0.1
            Status   : Running
            Backends : quickstart-master Up
                       quickstart-master-2f1 Down
                       quickstart-master-9c0 Maintenance
            """);
        AssertRendered([Haproxy.Backends[0]], listView: true, expected: """
            Replica : quickstart-master
            Address : 127.6.0.11
            State   : Up
            Healthy : True
            """);
    }

    [Fact]
    public void The_backup_table_shows_when_why_where_from_and_whether_it_verifies_within_120_columns()
    {
        var sound = new HaClusterBackup
        {
            Cluster = "quickstart", Name = "quickstart-20261205-032000-manual", Path = "/backups/quickstart-20261205-032000-manual.db",
            Reason = "Manual", SourceReplica = "quickstart-master-2f1", Revision = 10512, SizeBytes = 104_857_632,
            Sha256 = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", TakenAt = AlteredBackup.TakenAt.AddMinutes(5), Verified = true,
        };
        string Local(HaClusterBackup backup) => backup.TakenAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        AssertRendered([AlteredBackup, sound], $"""
            TakenAt             Reason       SourceReplica          Revision  SizeMB Verified Name
            -------             ------       -------------          --------  ------ -------- ----
            {Local(AlteredBackup)} BeforeAdd    quickstart-master-9c0     10440     2.0 False    quickstart-20261205-031500-before-add
            {Local(sound)} Manual       quickstart-master-2f1     10512   100.0 True     quickstart-20261205-032000-manual
            """);
    }

    [Fact]
    public void The_certificate_table_shows_whose_it_is_and_the_days_left()
    {
        var expired = new HaCertificate
        {
            Cluster = "quickstart", Replica = "", Usage = "EtcdClient", Subject = "CN=hamaster",
            NotAfter = new DateTimeOffset(2026, 12, 4, 0, 0, 0, TimeSpan.Zero), ExpiresIn = TimeSpan.FromHours(-30),
            Thumbprint = "FF", Path = "/home/ops/.hamaster/clusters/quickstart/pki/etcd-client.crt",
        };
        string Local(HaCertificate c) => c.NotAfter.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        AssertRendered([ApiCertificate, expired], $"""
            Cluster          Replica                Usage      NotAfter              Days Subject
            -------          -------                -----      --------              ---- -------
            quickstart       quickstart-master-9c0  ApiServer  {Local(ApiCertificate)}     12 CN=quickstart-master-9c0
            quickstart                              EtcdClient {Local(expired)}     -2 CN=hamaster
            """);
    }

    [Fact]
    public void The_kubeconfig_table_shows_the_context_the_user_the_server_and_when_the_credential_expires()
    {
        var expires = Credential.ExpiresAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        AssertRendered([Credential], $"""
            Context                  UserName         Server                     ExpiresAt           Path
            -------                  --------         ------                     ---------           ----
            hamaster-quickstart      hamaster-admin   https://127.1.0.1:6443     {expires} /home/ops/.kube/config
            """);
    }

    [Fact]
    public void The_restore_table_shows_the_source_its_revision_and_whether_writes_after_it_were_lost()
    {
        var lossless = new HaClusterRestore
        {
            Cluster = "other", Source = "backup other-20261205-032000-manual", SnapshotPath = "/backups/other-20261205-032000-manual.db",
            Revision = 77, ReplicaCount = 1, Status = "Healthy",
        };
        AssertRendered([LossyRestore, lossless], """
            Cluster          Status    Replicas Revision LostAfter Source
            -------          ------    -------- -------- --------- ------
            quickstart       Healthy          3    10440     10440 replica quickstart-master-9c0
            other            Healthy          1       77         - backup other-20261205-032000-manual
            """);
    }

    [Theory]
    [MemberData(nameof(OutputTypes))]
    public void Each_output_type_has_a_list_view_with_every_public_property(Type type)
    {
        Assert.True(OneOfEach.TryGetValue(type, out var sample), $"{type.Name} has no sample object in {nameof(ViewTests)}; add one.");
        var text = Render([sample], listView: true);
        var labels = text.Split('\n').Select(line => ListLabel().Match(line)).Where(m => m.Success).Select(m => m.Groups[1].Value);
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name);
        Assert.Equal(properties.Order(), labels.Order());
    }

    [Theory]
    [MemberData(nameof(OutputTypes))]
    public void Each_output_type_has_a_table_view_first_and_a_list_view(Type type)
    {
        var views = XDocument.Load(Path.Combine(AppContext.BaseDirectory, "HaMaster.format.ps1xml")).Descendants("View")
            .Where(v => v.Element("ViewSelectedBy")?.Elements("TypeName").Any(t => t.Value == type.FullName) == true)
            .Select(v => v.Elements().First(e => e.Name.LocalName.EndsWith("Control", StringComparison.Ordinal)).Name.LocalName)
            .ToList();
        Assert.Equal(["TableControl", "ListControl"], views);
    }

    private static void AssertRendered(IEnumerable<object> objects, string expected, bool listView = false)
    {
        var rendered = Render(objects, listView);
        Assert.All(rendered.Split('\n'), line => Assert.True(line.Length <= ConsoleWidth, $"{line.Length} columns: {line}"));
        Assert.Equal(Normalise(expected), Normalise(rendered));
    }

    /// <summary>
    /// Pipes the objects to Out-Default in the hosted engine and returns what the host shows. The
    /// table runspace has the module imported, as a user's session does. The hosted engine has no
    /// Format-List (Microsoft.PowerShell.Utility is not part of it), so the list views are rendered
    /// by a runspace whose format data is the module's format file less its table views: there the
    /// list view is the first view of each type, and Out-Default uses it as Format-List would.
    /// </summary>
    private static string Render(IEnumerable<object> objects, bool listView)
    {
        var output = new StringWriter();
        var host = new ConsoleHost(output, ConsoleWidth);
        string? listFormats = listView ? WriteListViewsOnly() : null;
        try
        {
            using var runspace = listFormats is null ? ScriptRunner.OpenRunspace(host) : OpenRunspace(host, listFormats);
            using var shell = PowerShell.Create();
            shell.Runspace = runspace;
            shell.AddCommand("Out-Default");
            shell.Invoke(objects);
            Assert.False(shell.HadErrors, string.Join(Environment.NewLine, shell.Streams.Error));
        }
        finally
        {
            if (listFormats is not null) File.Delete(listFormats);
        }
        return output.ToString().ReplaceLineEndings("\n");
    }

    private static string WriteListViewsOnly()
    {
        var formats = XDocument.Load(Path.Combine(AppContext.BaseDirectory, "HaMaster.format.ps1xml"));
        formats.Descendants("View").Where(v => v.Element("TableControl") is not null).ToList().ForEach(v => v.Remove());
        var path = Path.Combine(Path.GetTempPath(), $"HaMaster.ViewTests.{Guid.NewGuid():N}.format.ps1xml");
        formats.Save(path);
        return path;
    }

    private static Runspace OpenRunspace(ConsoleHost host, string formatFile)
    {
        var state = InitialSessionState.CreateDefault2();
        state.Formats.Add(new SessionStateFormatEntry(formatFile));
        var runspace = RunspaceFactory.CreateRunspace(host, state);
        runspace.Open();
        using var plain = PowerShell.Create();
        plain.Runspace = runspace;
        plain.AddScript("$PSStyle.OutputRendering = 'PlainText'").Invoke();
        return runspace;
    }

    /// <summary>Trailing spaces and leading or trailing blank lines do not count.</summary>
    private static string Normalise(string text) =>
        string.Join("\n", text.ReplaceLineEndings("\n").Split('\n').Select(line => line.TrimEnd())).Trim('\n');

    [GeneratedRegex(@"^(\w+)\s*: ?")]
    private static partial Regex ListLabel();
}
