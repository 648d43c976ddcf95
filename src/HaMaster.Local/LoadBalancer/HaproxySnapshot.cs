using System.Globalization;

namespace HaMaster.Local.LoadBalancer;

/// <summary>One HAProxy worker's answer to "show info;show stat": who answered and which servers it serves.</summary>
internal sealed record HaproxySnapshot(int WorkerPid, bool FrontendOpen, IReadOnlyList<HaproxyServer> Servers)
{
    public bool Serves(LoadBalancerSpec spec)
    {
        if (!FrontendOpen || Servers.Count != spec.Backends.Count) return false;
        var expected = spec.Backends.Select(b => (b.Name, b.Address, spec.Port)).ToHashSet();
        return Servers.All(s => expected.Contains((s.Name, s.Address, s.Port)));
    }

    public static HaproxySnapshot? TryParse(string answer)
    {
        var lines = answer.Split('\n', StringSplitOptions.TrimEntries);
        var pidLine = lines.FirstOrDefault(l => l.StartsWith("Pid:", StringComparison.Ordinal));
        if (pidLine is null || !int.TryParse(pidLine["Pid:".Length..].Trim(), CultureInfo.InvariantCulture, out var pid))
            return null;

        var headerIndex = Array.FindIndex(lines, l => l.StartsWith("# pxname,", StringComparison.Ordinal));
        if (headerIndex < 0) return null;
        var columns = lines[headerIndex][2..].Split(',');
        int Column(string name) => Array.IndexOf(columns, name) is var i and >= 0
            ? i : throw new FormatException($"HAProxy's 'show stat' has no '{name}' column.");
        var proxyColumn = Column("pxname");
        var nameColumn = Column("svname");
        var statusColumn = Column("status");
        var checkColumn = Column("check_status");
        var addressColumn = Column("addr");

        var frontendOpen = false;
        var servers = new List<HaproxyServer>();
        foreach (var line in lines.Skip(headerIndex + 1).TakeWhile(l => l.Length > 0))
        {
            var fields = line.Split(',');
            if (fields.Length < columns.Length - 1) continue;
            var proxy = fields[proxyColumn];
            var name = fields[nameColumn];
            if (proxy == HaproxyConfig.FrontendName && name == "FRONTEND")
                frontendOpen = fields[statusColumn] == "OPEN";
            else if (proxy == HaproxyConfig.BackendName && name is not ("FRONTEND" or "BACKEND"))
            {
                var (address, port) = SplitAddress(fields[addressColumn]);
                servers.Add(new HaproxyServer(name, address, port, StateOf(fields[statusColumn], fields[checkColumn])));
            }
        }
        return new HaproxySnapshot(pid, frontendOpen, servers);
    }

    private static (string Address, int Port) SplitAddress(string addressAndPort)
    {
        var colon = addressAndPort.LastIndexOf(':');
        return colon > 0 && int.TryParse(addressAndPort[(colon + 1)..], CultureInfo.InvariantCulture, out var port)
            ? (addressAndPort[..colon], port)
            : (addressAndPort, 0);
    }

    private static BackendState StateOf(string status, string checkStatus)
    {
        if (status.StartsWith("MAINT", StringComparison.Ordinal) || status == "DRAIN") return BackendState.Maintenance;
        // Right after a (re)start servers are optimistically UP while the first check is still
        // "INI"tialising: that is not evidence that the replica is healthy.
        if (checkStatus.TrimStart('*', ' ').StartsWith("INI", StringComparison.Ordinal)) return BackendState.Unknown;
        if (status.StartsWith("UP", StringComparison.Ordinal)) return BackendState.Up;
        if (status.StartsWith("DOWN", StringComparison.Ordinal)) return BackendState.Down;
        return BackendState.Unknown;
    }
}
