using Google.Apis.Auth.OAuth2;
using HaMaster.Gce.Compute;
using Xunit;

namespace HaMaster.Gce.Tests.Compute;

[Collection(ProcessEnvironmentCollection.Name)]
public sealed class CredentialAndEndpointTests
{
    [Fact]
    public void The_endpoint_override_variable_moves_the_client()
    {
        using var env = new EnvironmentScope();
        Assert.Equal(ComputeEndpoint.DefaultBaseUri, ComputeEndpoint.Resolve().AbsoluteUri);

        env.Set(ComputeEndpoint.OverrideVariable, "http://127.0.0.1:8089/compute/v1/");
        Assert.Equal("http://127.0.0.1:8089/compute/v1/", ComputeEndpoint.Resolve().AbsoluteUri);
        Assert.Equal("https://other.test/compute/v1/", ComputeEndpoint.Resolve("https://other.test/compute/v1").AbsoluteUri);

        env.Set(ComputeEndpoint.OverrideVariable, "http://127.0.0.1:8089");
        Assert.Equal("http://127.0.0.1:8089/compute/v1/", ComputeEndpoint.Resolve().AbsoluteUri);

        env.Set(ComputeEndpoint.OverrideVariable, "ftp://x");
        var error = Assert.Throws<ArgumentException>(() => ComputeEndpoint.Resolve());
        Assert.Contains(ComputeEndpoint.OverrideVariable, error.Message);
    }

    [Fact]
    public async Task Requests_go_to_the_overridden_endpoint_without_a_credential_on_loopback_http()
    {
        using var env = new EnvironmentScope();
        env.Set(ComputeEndpoint.OverrideVariable, "http://127.0.0.1:8089/compute/v1/");
        var stub = new StubHandler((_, _) => StubCompute.Json(200, """{"name":"us-central1-a"}"""));
        var options = StubCompute.Options(stub, endpoint: null);

        using var service = await ComputeService.CreateAsync(options);
        await service.Zones.Get("p", "us-central1-a").ExecuteAsync();

        var request = stub.Requests.Single();
        Assert.Equal("http://127.0.0.1:8089/compute/v1/projects/p/zones/us-central1-a", request.Uri.AbsoluteUri);
        Assert.Null(request.Authorization);
        Assert.Equal("http://127.0.0.1:8089/compute/v1/", service.BaseUri);
        Assert.Null(options.Endpoint); // the caller's options are left as given
        Assert.Null(options.Credential);
    }

    [Fact]
    public async Task The_access_token_file_is_used_as_gcloud_does()
    {
        using var env = new EnvironmentScope();
        env.Set(ComputeCredentials.AccessTokenFileVariable, env.WriteFile("token", "  ya29.test-token\n"));
        // Even with ADC configured, the token file wins.
        env.Set(ComputeCredentials.CredentialsFileVariable, env.WriteFile("sa.json", "{}"));
        var stub = new StubHandler((_, _) => StubCompute.Json(200, """{"name":"z"}"""));

        using var service = await ComputeService.CreateAsync(StubCompute.Options(stub));
        await service.Zones.Get("p", "z").ExecuteAsync();

        Assert.Equal("Bearer ya29.test-token", stub.Requests.Single().Authorization);
    }

    [Fact]
    public async Task An_empty_or_missing_token_file_is_a_clear_error()
    {
        using var env = new EnvironmentScope();
        env.Set(ComputeCredentials.AccessTokenFileVariable, env.WriteFile("token", " \n"));
        var empty = await Assert.ThrowsAsync<ComputeCredentialsException>(
            () => ComputeCredentials.ResolveAsync(new Uri(ComputeEndpoint.DefaultBaseUri)));
        Assert.Contains("empty", empty.Message);
        Assert.Contains(ComputeCredentials.AccessTokenFileVariable, empty.Message);

        env.Set(ComputeCredentials.AccessTokenFileVariable, Path.Combine(env.Folder, "absent"));
        var missing = await Assert.ThrowsAsync<ComputeCredentialsException>(
            () => ComputeCredentials.ResolveAsync(new Uri(ComputeEndpoint.DefaultBaseUri)));
        Assert.Contains("cannot be read", missing.Message);
    }

    [Fact]
    public async Task Credentials_are_never_sent_over_plain_http_to_another_machine()
    {
        using var env = new EnvironmentScope();
        env.Set(ComputeCredentials.AccessTokenFileVariable, env.WriteFile("token", "t"));
        var error = await Assert.ThrowsAsync<ComputeCredentialsException>(
            () => ComputeCredentials.ResolveAsync(new Uri("http://compute.example/compute/v1/")));
        Assert.Contains("plain http", error.Message);
    }

    [Fact]
    public async Task Gclouds_adc_file_in_CLOUDSDK_CONFIG_is_found()
    {
        using var env = new EnvironmentScope();
        File.WriteAllText(Path.Combine(env.GcloudFolder, ComputeCredentials.AdcFileName), """
            {"type":"authorized_user","client_id":"id.apps.googleusercontent.com","client_secret":"secret","refresh_token":"1//refresh"}
            """);

        var credential = await ComputeCredentials.ResolveAsync(new Uri(ComputeEndpoint.DefaultBaseUri));

        Assert.IsType<UserCredential>(credential!.UnderlyingCredential);
    }

    [Fact]
    public async Task GOOGLE_APPLICATION_CREDENTIALS_naming_a_missing_file_says_so()
    {
        using var env = new EnvironmentScope();
        env.Set(ComputeCredentials.CredentialsFileVariable, Path.Combine(env.Folder, "missing.json"));

        var error = await Assert.ThrowsAsync<ComputeCredentialsException>(
            () => ComputeCredentials.ResolveAsync(new Uri(ComputeEndpoint.DefaultBaseUri)));

        Assert.Contains(ComputeCredentials.CredentialsFileVariable, error.Message);
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public async Task A_broken_credential_file_is_a_clear_error()
    {
        using var env = new EnvironmentScope();
        env.Set(ComputeCredentials.CredentialsFileVariable, env.WriteFile("bad.json", "{\"type\":"));

        var error = await Assert.ThrowsAsync<ComputeCredentialsException>(
            () => ComputeCredentials.ResolveAsync(new Uri(ComputeEndpoint.DefaultBaseUri)));

        Assert.Contains("cannot be used", error.Message);
        Assert.Contains("gcloud auth application-default login", error.Message);
    }

    [Fact]
    public async Task No_credentials_anywhere_says_what_to_do()
    {
        using var env = new EnvironmentScope();
        // No metadata server: a port nothing listens on answers at once.
        env.Set("GCE_METADATA_HOST", "127.0.0.1:9");

        var error = await Assert.ThrowsAsync<ComputeCredentialsException>(
            () => ComputeCredentials.ResolveAsync(new Uri(ComputeEndpoint.DefaultBaseUri)));

        Assert.Contains("gcloud auth application-default login", error.Message);
        Assert.Contains(ComputeCredentials.CredentialsFileVariable, error.Message);
        Assert.Contains(ComputeCredentials.AccessTokenFileVariable, error.Message);
    }
}
