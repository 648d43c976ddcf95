using System.Text.RegularExpressions;
using HaMaster.Gce.Bootstrap;

namespace HaMaster.Testing.Compute.FakeVm;

/// <summary>
/// What a replica VM's startup script does at boot, read from the script text itself (the
/// <c>startup-script</c> metadata item rendered by <see cref="StartupScript"/>), so that a fake VM
/// runs what the real one would, not what the test thinks it should:
/// <list type="bullet">
/// <item>which metadata keys it writes to which files, with which modes (<c>fetch_metadata</c> lines);</item>
/// <item>the etcd command line (the etcd unit's <c>ExecStart</c>);</item>
/// <item>kube-apiserver's flags (its unit's <c>ExecStart</c>), which the API endpoint stand-in takes the place of;</item>
/// <item>the Kubernetes version;</item>
/// <item>a restore it carries out before etcd starts (<c>restore_*</c> values and the restore command line), if any.</item>
/// </list>
/// Paths in these are the VM's (<c>/etc/hamaster/pki/…</c>); <see cref="Rooted"/> maps them into a
/// fake VM's folder.
/// </summary>
public sealed partial record FakeVmBootPlan(
    IReadOnlyList<FakeVmBootPlan.MetadataFile> Files,
    IReadOnlyList<string> EtcdArguments,
    IReadOnlyList<string> KubeApiServerArguments,
    string KubernetesVersion,
    FakeVmBootPlan.SnapshotRestore? Restore = null)
{
    /// <summary>One <c>fetch_metadata &lt;key&gt; &lt;file&gt; &lt;mode&gt;</c> of the script.</summary>
    public sealed record MetadataFile(string Key, string VmPath, UnixFileMode Mode);

    /// <summary>The script's restore: done once per id, from the file uploaded to <c>UploadPath</c> whose SHA-256 is <c>Sha256</c>.</summary>
    public sealed record SnapshotRestore(string Id, string Sha256, string UploadPath, string Marker, IReadOnlyList<string> Arguments);

    [GeneratedRegex(@"^readonly restore_(?<name>id|sha256|upload|marker)=(?<value>\S+)$", RegexOptions.Multiline)]
    private static partial Regex RestoreValue();

    [GeneratedRegex(@"^\s*""\$tool"" snapshot restore ""\$copy"" (?<flags>[^\\\n]+?) \\$", RegexOptions.Multiline)]
    private static partial Regex RestoreCommand();

    [GeneratedRegex(@"^fetch_metadata (?<key>[A-Za-z0-9_-]+) (?<file>/\S+) (?<mode>0[0-7]{3})\b", RegexOptions.Multiline)]
    private static partial Regex FetchLine();

    [GeneratedRegex(@"^readonly kubernetes_version=(?<version>\S+)$", RegexOptions.Multiline)]
    private static partial Regex KubernetesVersionLine();

    /// <exception cref="FormatException">The script does not have the expected shape.</exception>
    public static FakeVmBootPlan Parse(string script)
    {
        var text = script.Replace("\r\n", "\n", StringComparison.Ordinal);
        var files = FetchLine().Matches(text)
            .Select(m => new MetadataFile(m.Groups["key"].Value, m.Groups["file"].Value, (UnixFileMode)Convert.ToInt32(m.Groups["mode"].Value, 8)))
            .ToList();
        if (files.Count == 0) throw new FormatException("The startup script fetches no metadata key (no fetch_metadata line).");
        var version = KubernetesVersionLine().Match(text);
        if (!version.Success) throw new FormatException("The startup script names no kubernetes_version.");
        return new FakeVmBootPlan(
            files,
            ExecStartArguments(text, StartupScript.EtcdUnitName),
            ExecStartArguments(text, StartupScript.KubeApiServerUnitName),
            version.Groups["version"].Value,
            RestoreOf(text));
    }

    private static SnapshotRestore? RestoreOf(string script)
    {
        var values = RestoreValue().Matches(script).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value);
        if (values.Count == 0) return null;
        var command = RestoreCommand().Match(script);
        if (values.Count != 4 || !command.Success) throw new FormatException("The startup script's restore lacks one of its values or its restore command.");
        return new SnapshotRestore(values["id"], values["sha256"], values["upload"], values["marker"],
            command.Groups["flags"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The value of <c>--<paramref name="flag"/>=…</c> in <paramref name="arguments"/>.</summary>
    public static string Flag(IReadOnlyList<string> arguments, string flag)
    {
        var prefix = $"--{flag}=";
        return arguments.FirstOrDefault(a => a.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..]
            ?? throw new FormatException($"The command line has no --{flag}.");
    }

    /// <summary>A path of the VM inside a fake VM's root folder.</summary>
    public static string Rooted(string root, string vmPath) =>
        vmPath.StartsWith('/') ? Path.Combine(root, vmPath[1..]) : throw new FormatException($"'{vmPath}' is not an absolute path.");

    // The unit is written by: write_file "$unit_dir/<unit>" <mode> <services> <<'UNIT' … UNIT. Its
    // ExecStart is the program and one flag per line, joined with " \" line continuations.
    private static IReadOnlyList<string> ExecStartArguments(string script, string unitName)
    {
        var header = $"write_file \"$unit_dir/{unitName}\"";
        var start = script.IndexOf(header, StringComparison.Ordinal);
        if (start < 0) throw new FormatException($"The startup script does not write {unitName}.");
        var bodyStart = script.IndexOf("<<'UNIT'\n", start, StringComparison.Ordinal);
        var bodyEnd = bodyStart < 0 ? -1 : script.IndexOf("\nUNIT\n", bodyStart, StringComparison.Ordinal);
        if (bodyEnd < 0) throw new FormatException($"The startup script's {unitName} has no UNIT here-document.");
        var unit = script[(bodyStart + "<<'UNIT'\n".Length)..bodyEnd].Replace(" \\\n", " ", StringComparison.Ordinal);
        var exec = unit.Split('\n').FirstOrDefault(l => l.StartsWith("ExecStart=", StringComparison.Ordinal))
            ?? throw new FormatException($"{unitName} has no ExecStart.");
        var words = exec["ExecStart=".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words[1..];
    }
}
