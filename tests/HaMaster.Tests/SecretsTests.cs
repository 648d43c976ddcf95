using System.Collections;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace HaMaster.Tests;

/// <summary>
/// Safety rule 11: private keys are owner-only, in owner-only folders, and nothing the module writes
/// (output objects, the error, warning, verbose, debug, information and progress streams, the host,
/// any other file of the state folder) carries key material.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SecretsTests : IDisposable
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// Every stream shown. -Debug alone would also make warnings and errors ask whether to continue
    /// (PowerShell's Inquire), which a script cannot answer: they are set to Continue explicitly.
    /// </summary>
    private const string All = "-Verbose -Debug -WarningAction Continue -ErrorAction Continue";

    /// <summary>Any run of this many characters of a key's encodings counts as leaked key material.</summary>
    private const int ChunkLength = 40;

    private readonly PowerShellSession _ps = new();
    private readonly StringBuilder _written = new();
    private readonly HashSet<string> _keyChunks = new(StringComparer.Ordinal);

    [Fact]
    public void Keys_are_owner_only_and_never_printed()
    {
        Run($"New-HaCluster -Name keys {All}");
        Run($"Get-HaCluster keys {All} | Add-MasterReplica -Count 2 {All}");
        var replicas = Replicas();
        Assert.Equal(3, replicas.Count);
        AssertKeysOwnerOnly(replicas);

        Run($"Get-HaCluster keys {All}; Get-MasterReplica keys {All}; Get-EtcdMember keys {All}");
        var follower = replicas.First(r => r.EtcdRole == "Follower").Name;
        Run($"Stop-MasterReplica -Cluster keys -Name {follower} -Force -PassThru {All}");
        Run($"Get-MasterReplica keys -Name {follower} {All}; Get-HaCluster keys {All}");
        Run($"Start-MasterReplica -Cluster keys -Name {follower} -PassThru {All}");

        // A repair issues the new replica's certificates and keys.
        var repaired = Run($"Repair-MasterReplica -Cluster keys -Name {follower} -Force {All}").OfType<MasterReplica>().Single();
        replicas = Replicas();
        Assert.Contains(replicas, r => r.Name == repaired.Name);
        Assert.DoesNotContain(replicas, r => r.Name == follower);
        AssertKeysOwnerOnly(replicas);

        var removed = replicas.First(r => r.EtcdRole == "Follower").Name;
        Run($"Remove-MasterReplica -Cluster keys -Name {removed} {All}");
        Run($"Get-EtcdMember keys {All}");

        // Errors, of the commands and of damaged key files.
        RunFailing($"Get-HaCluster -Name nope {All}");
        RunFailing($"New-HaCluster -Name keys {All}");
        RunFailing($"Add-MasterReplica -Cluster keys -Zone nowhere {All}");
        RunFailing($"Remove-MasterReplica -Cluster keys -Name nope {All}");
        RunFailing($"Repair-MasterReplica -Cluster keys -Name nope -Force {All}");
        RunFailing($"Start-MasterReplica -Cluster keys -Name nope {All}");
        RunFailing($"Stop-MasterReplica -Cluster keys -Name nope -Force {All}");
        RunFailing($"Remove-HaCluster -Name nope -Force {All}");
        WithDamagedKey("etcd-client.key", () => Assert.Contains("key", RunFailing($"Get-EtcdMember keys {All}"), StringComparison.OrdinalIgnoreCase));
        WithDamagedKey("ca.key", () => Assert.Contains("private key", RunFailing($"Add-MasterReplica -Cluster keys {All}"), StringComparison.OrdinalIgnoreCase));
        Run($"Get-MasterReplica keys {All}; Get-EtcdMember keys {All}");

        AssertNoOtherFileHoldsKeyMaterial();
        Run($"Remove-HaCluster keys -Force {All}");

        var written = _written.Append(_ps.HostOutput).ToString();
        Assert.Contains("keys-master", written);
        Assert.DoesNotContain("PRIVATE KEY", written);
        Assert.True(_keyChunks.Count > 0);
        AssertNoKeyMaterial(written, "what the cmdlets wrote");
    }

    private List<MasterReplica> Replicas() => Run($"Get-MasterReplica keys {All}").OfType<MasterReplica>().ToList();

    /// <summary>
    /// Every file that holds a private key (named *.key, or holding a PEM private key) is 0600 in a
    /// folder of its owner alone; every replica has its API and etcd keys. The keys' material is
    /// remembered, so that it is looked for in everything written until the end of the test.
    /// </summary>
    private void AssertKeysOwnerOnly(IReadOnlyList<MasterReplica> replicas)
    {
        var keyFiles = StateFiles().Where(f => f.EndsWith(".key", StringComparison.Ordinal) || File.ReadAllText(f).Contains("PRIVATE KEY", StringComparison.Ordinal)).ToList();
        var pki = Path.Combine(_ps.Home, "clusters", "keys", "pki");
        var expected = new[] { "ca.key", "etcd-ca.key", "etcd-client.key" }.Select(f => Path.Combine(pki, f))
            .Concat(replicas.SelectMany(r => new[] { "apiserver.key", "etcd.key" }.Select(f => Path.Combine(pki, "replicas", r.Name, f))));
        Assert.All(expected, file => Assert.Contains(file, keyFiles));

        foreach (var file in keyFiles)
        {
            Assert.True(File.GetUnixFileMode(file) == OwnerReadWrite, $"{Relative(file)} has mode {File.GetUnixFileMode(file)}, not owner read/write only");
            var folder = Path.GetDirectoryName(file)!;
            var folderMode = File.GetUnixFileMode(folder);
            Assert.True((folderMode & GroupOrOther) == 0, $"the folder of {Relative(file)} has mode {folderMode}: others can list or enter it");
            RememberKeyMaterial(File.ReadAllText(file));
        }
    }

    /// <summary>Key material lives only in the key files: not in state, config, HAProxy files or logs.</summary>
    private void AssertNoOtherFileHoldsKeyMaterial()
    {
        var others = StateFiles().Where(f => !f.EndsWith(".key", StringComparison.Ordinal)).ToList();
        Assert.Contains(others, f => f.EndsWith("cluster.json", StringComparison.Ordinal));
        Assert.Contains(others, f => f.EndsWith("endpoint.json", StringComparison.Ordinal));
        Assert.Contains(others, f => f.EndsWith("haproxy.cfg", StringComparison.Ordinal));
        Assert.Contains(others, f => f.EndsWith("etcd.log", StringComparison.Ordinal));
        foreach (var file in others)
        {
            var text = File.ReadAllText(file);
            Assert.False(text.Contains("PRIVATE KEY", StringComparison.Ordinal), $"{Relative(file)} holds a private key");
            AssertNoKeyMaterial(text, Relative(file));
        }
    }

    /// <summary>
    /// Files of the state folder, but for etcd's own data (its write-ahead log is preallocated, tens of
    /// megabytes, and the module writes nothing there) and unix sockets.
    /// </summary>
    private IEnumerable<string> StateFiles() => Directory.EnumerateFiles(_ps.Home, "*", SearchOption.AllDirectories)
        .Where(f => !f.Split(Path.DirectorySeparatorChar).Contains("etcd-data") && !f.EndsWith(".sock", StringComparison.Ordinal));

    private string Relative(string file) => Path.GetRelativePath(_ps.Home, file);

    /// <summary>Replaces a key file of the cluster with a truncated copy while <paramref name="action"/> runs.</summary>
    private void WithDamagedKey(string keyFile, Action action)
    {
        var path = Path.Combine(_ps.Home, "clusters", "keys", "pki", keyFile);
        var original = File.ReadAllText(path);
        var lines = original.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        File.WriteAllText(path, string.Join('\n', lines.Take(2).Append(lines[^1])) + "\n");
        try
        {
            action();
        }
        finally
        {
            File.WriteAllText(path, original);
        }
    }

    /// <summary>
    /// Remembers every 40-character run of the key's PEM body (base64) and of its DER in hex that carries
    /// a byte of the private scalar, and every run of the scalar itself in base64 and hex. Runs that carry
    /// only public bytes are left out: the PKCS#8 structure also holds the public key, which the
    /// certificate rightly shows, and a header that every P-256 key shares.
    /// </summary>
    private void RememberKeyMaterial(string pem)
    {
        var body = string.Concat(pem.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)));
        var der = Convert.FromBase64String(body);
        byte[] scalar;
        using (var key = ECDsa.Create())
        {
            key.ImportFromPem(pem);
            scalar = key.ExportParameters(includePrivateParameters: true).D!;
        }
        var secretStart = der.AsSpan().IndexOf(scalar);
        Assert.True(secretStart >= 0, "the private scalar is not in the key file's DER");
        var secretEnd = secretStart + scalar.Length;
        bool CarriesSecret(int firstByte, int endByte) => firstByte < secretEnd && endByte > secretStart;

        for (var i = 0; i + ChunkLength <= body.Length; i++)
            if (CarriesSecret(i * 6 / 8, ((i + ChunkLength) * 6 + 7) / 8))
                _keyChunks.Add(body.Substring(i, ChunkLength));
        foreach (var hex in new[] { Convert.ToHexString(der), Convert.ToHexStringLower(der) })
            for (var i = 0; i + ChunkLength <= hex.Length; i++)
                if (CarriesSecret(i / 2, (i + ChunkLength + 1) / 2))
                    _keyChunks.Add(hex.Substring(i, ChunkLength));
        foreach (var form in new[] { Convert.ToBase64String(scalar), Convert.ToHexString(scalar), Convert.ToHexStringLower(scalar) })
            for (var i = 0; i + ChunkLength <= form.Length; i++)
                _keyChunks.Add(form.Substring(i, ChunkLength));
    }

    /// <summary>Looks for any remembered chunk in <paramref name="text"/>, as written and with all white space removed.</summary>
    private void AssertNoKeyMaterial(string text, string where)
    {
        var lookup = _keyChunks.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var haystack in new[] { text, string.Concat(text.Where(c => !char.IsWhiteSpace(c))) })
        {
            for (var i = 0; i + ChunkLength <= haystack.Length; i++)
            {
                if (lookup.Contains(haystack.AsSpan(i, ChunkLength)))
                    Assert.Fail($"Key material found in {where} at character {i}, after: ...{haystack[Math.Max(0, i - 60)..i]}");
            }
        }
    }

    private List<object?> Run(string script) => Invoke(script, expectError: false).Output;

    /// <summary>Runs a script that must fail; returns its error messages.</summary>
    private string RunFailing(string script) =>
        string.Join(Environment.NewLine, Invoke(script, expectError: true).Errors.Select(e => e.ErrorDetails?.Message ?? e.Exception.Message));

    /// <summary>Runs a script and keeps, as text, everything it wrote: output objects and every stream.</summary>
    private (List<object?> Output, List<ErrorRecord> Errors) Invoke(string script, bool expectError)
    {
        using var shell = PowerShell.Create();
        shell.Runspace = _ps.Runspace;
        shell.AddScript(script);
        Collection<PSObject> output;
        var errors = new List<ErrorRecord>();
        try
        {
            output = shell.Invoke();
        }
        catch (RuntimeException e)
        {
            output = new Collection<PSObject>();
            errors.Add(e.ErrorRecord);
            Describe(e, _written);
        }
        errors.AddRange(shell.Streams.Error);

        foreach (var item in output) Describe(item, _written);
        foreach (var error in errors) DescribeError(error, _written);
        foreach (var record in shell.Streams.Warning) _written.AppendLine(record.Message);
        foreach (var record in shell.Streams.Verbose) _written.AppendLine(record.Message);
        foreach (var record in shell.Streams.Debug) _written.AppendLine(record.Message);
        foreach (var record in shell.Streams.Information)
        {
            Describe(record.MessageData, _written);
            _written.AppendLine(string.Join(",", record.Tags));
        }
        foreach (var record in shell.Streams.Progress)
            _written.AppendLine($"{record.Activity} {record.StatusDescription} {record.CurrentOperation}");

        if (expectError)
            Assert.True(errors.Count > 0, $"Expected an error from: {script}");
        else if (errors.Count > 0)
            Assert.Fail($"Script failed: {script}{Environment.NewLine}{string.Join(Environment.NewLine, errors.Select(e => $"{e.FullyQualifiedErrorId}: {e.ErrorDetails?.Message ?? e.Exception.Message}"))}");
        return (output.Select(o => o?.BaseObject).ToList(), errors);
    }

    private static void DescribeError(ErrorRecord error, StringBuilder text)
    {
        text.AppendLine(error.ToString());
        text.AppendLine(error.FullyQualifiedErrorId);
        text.AppendLine(error.CategoryInfo.ToString());
        text.AppendLine(error.ErrorDetails?.Message);
        text.AppendLine(error.ErrorDetails?.RecommendedAction);
        text.AppendLine(error.ScriptStackTrace);
        Describe(error.TargetObject, text);
        Describe(error.Exception, text);
    }

    /// <summary>Every property value of an object, recursively (collections, dictionaries, exceptions and their inner ones).</summary>
    private static void Describe(object? value, StringBuilder text) =>
        Describe(value, text, new HashSet<object>(ReferenceEqualityComparer.Instance), depth: 0);

    private static void Describe(object? value, StringBuilder text, HashSet<object> seen, int depth)
    {
        if (value is PSObject wrapped && wrapped.BaseObject is not PSCustomObject) value = wrapped.BaseObject;
        switch (value)
        {
            case null:
                return;
            case string s:
                text.AppendLine(s);
                return;
            case Enum or DateTime or DateTimeOffset or TimeSpan or Guid or decimal:
            case var _ when value.GetType().IsPrimitive:
                text.AppendLine(value.ToString());
                return;
        }
        if (depth > 8 || !seen.Add(value)) return;
        text.AppendLine(value.ToString());
        // The engine's own machinery: its description is enough, its graph is huge and holds no data of the command.
        if (value is Type or MemberInfo or Assembly or Delegate or Runspace or CommandInfo or InvocationInfo or PSModuleInfo or SessionState) return;

        if (value is Exception exception) text.AppendLine(exception.ToString());
        if (value is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                Describe(entry.Key, text, seen, depth + 1);
                Describe(entry.Value, text, seen, depth + 1);
            }
            return;
        }
        if (value is IEnumerable items)
        {
            foreach (var item in items) Describe(item, text, seen, depth + 1);
            return;
        }
        foreach (var property in PSObject.AsPSObject(value).Properties)
        {
            object? propertyValue;
            try
            {
                propertyValue = property.Value;
            }
            catch (Exception e) when (e is GetValueException or ExtendedTypeSystemException or TargetInvocationException or NotSupportedException or InvalidOperationException)
            {
                continue;
            }
            text.Append(property.Name).Append('=');
            Describe(propertyValue, text, seen, depth + 1);
        }
    }

    public void Dispose() => _ps.Dispose();
}
