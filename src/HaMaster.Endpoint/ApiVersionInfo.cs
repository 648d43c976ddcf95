using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace HaMaster.Endpoint;

/// <summary>The body of GET /version, shaped like kube-apiserver's version info.</summary>
public sealed record ApiVersionInfo(string Major, string Minor, string GitVersion, string Platform)
{
    private static readonly Regex MajorMinor = new(@"^v?(?<major>\d+)\.(?<minor>\d+)", RegexOptions.CultureInvariant);

    /// <exception cref="EndpointConfigException">gitVersion does not start with vMAJOR.MINOR.</exception>
    public static ApiVersionInfo FromGitVersion(string gitVersion)
    {
        Match match = MajorMinor.Match(gitVersion);
        if (!match.Success)
            throw new EndpointConfigException($"config field 'gitVersion': '{gitVersion}' does not start with vMAJOR.MINOR");
        return new ApiVersionInfo(match.Groups["major"].Value, match.Groups["minor"].Value, gitVersion, CurrentPlatform());
    }

    public string ToJson() => JsonSerializer.Serialize(
        // Every field kube-apiserver's version.Info has, so that kubectl and client libraries read it;
        // the build fields of a Go binary have no meaning here and stay empty.
        new
        {
            major = Major,
            minor = Minor,
            gitVersion = GitVersion,
            gitCommit = "",
            gitTreeState = "",
            buildDate = "",
            goVersion = "",
            compiler = "dotnet",
            platform = Platform,
            hamasterStandIn = true,
        },
        new JsonSerializerOptions { WriteIndented = true });

    /// <summary>Go-style GOOS/GOARCH, as Kubernetes reports it.</summary>
    private static string CurrentPlatform()
    {
        string os = OperatingSystem.IsLinux() ? "linux"
            : OperatingSystem.IsMacOS() ? "darwin"
            : OperatingSystem.IsWindows() ? "windows"
            : RuntimeInformation.OSDescription.ToLowerInvariant();
        string architecture = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "amd64",
            Architecture.Arm64 => "arm64",
            Architecture.X86 => "386",
            Architecture.Arm => "arm",
            Architecture other => other.ToString().ToLowerInvariant(),
        };
        return $"{os}/{architecture}";
    }
}
