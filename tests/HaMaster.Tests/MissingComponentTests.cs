namespace HaMaster.Tests;

[CollectionDefinition(nameof(ProcessEnvironment), DisableParallelization = true)]
public sealed class ProcessEnvironment;

/// <summary>Changes process-wide environment variables, so it runs alone.</summary>
[Collection(nameof(ProcessEnvironment))]
public sealed class MissingComponentTests : IDisposable
{
    private readonly PowerShellSession _ps = new();

    [Theory]
    [InlineData("HAMASTER_ETCD", "etcd-server")]
    [InlineData("HAMASTER_HAPROXY", "haproxy")]
    public void A_missing_program_names_the_Debian_package_and_nothing_is_made(string variable, string package)
    {
        Environment.SetEnvironmentVariable(variable, "/nonexistent/program");
        try
        {
            var error = _ps.Run("New-HaCluster -Name nobin").SingleError();
            Assert.StartsWith("ComponentNotInstalled,", error.FullyQualifiedErrorId);
            Assert.Equal(System.Management.Automation.ErrorCategory.NotInstalled, error.CategoryInfo.Category);
            Assert.Contains($"apt-get install {package}", error.ErrorDetails.RecommendedAction);
            Assert.Empty(Directory.EnumerateFileSystemEntries(_ps.Home));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void A_variable_naming_a_folder_says_it_is_a_folder()
    {
        Environment.SetEnvironmentVariable("HAMASTER_ETCD", Path.GetTempPath());
        try
        {
            var error = _ps.Run("New-HaCluster -Name nobin").SingleError();
            Assert.StartsWith("ComponentNotInstalled,", error.FullyQualifiedErrorId);
            Assert.Contains("which is a folder, not the program", error.Exception.Message);
            Assert.Empty(Directory.EnumerateFileSystemEntries(_ps.Home));
        }
        finally
        {
            Environment.SetEnvironmentVariable("HAMASTER_ETCD", null);
        }
    }

    public void Dispose() => _ps.Dispose();
}
