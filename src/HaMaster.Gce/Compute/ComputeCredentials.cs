using Google.Apis.Auth.OAuth2;
using Google.Apis.Json;

namespace HaMaster.Gce.Compute;

/// <summary>
/// Finds the credential for Compute calls, in gcloud's and Application Default Credentials' order:
/// <list type="number">
/// <item><c>CLOUDSDK_AUTH_ACCESS_TOKEN_FILE</c>: the access token in that file (trimmed) is used as is,
/// as gcloud does (it is not refreshed).</item>
/// <item>A plain-http loopback endpoint (<c>http://127.0.0.1:…</c>, the local Compute stand-in): no
/// credential. Tokens are never sent to it, nor over plain http anywhere else (that is refused).</item>
/// <item><c>GOOGLE_APPLICATION_CREDENTIALS</c>: the credential file it names.</item>
/// <item>gcloud's ADC file, <c>application_default_credentials.json</c> in <c>CLOUDSDK_CONFIG</c> (by
/// default <c>~/.config/gcloud</c>, <c>%APPDATA%\gcloud</c> on Windows), written by
/// <c>gcloud auth application-default login</c>.</item>
/// <item>Google.Apis.Auth's Application Default Credentials (the Compute Engine metadata server).</item>
/// </list>
/// Steps 1 to 4 are read again on every call (Google.Apis caches its own ADC for the process), so a
/// login done after a failure is seen without restarting PowerShell. Credentials that need scopes get
/// the compute scope.
/// </summary>
public static class ComputeCredentials
{
    public const string ComputeScope = "https://www.googleapis.com/auth/compute";
    public const string AccessTokenFileVariable = "CLOUDSDK_AUTH_ACCESS_TOKEN_FILE";
    public const string CredentialsFileVariable = "GOOGLE_APPLICATION_CREDENTIALS";
    public const string AdcFileName = "application_default_credentials.json";

    private const string WhatToDo =
        "Run 'gcloud auth application-default login', or set GOOGLE_APPLICATION_CREDENTIALS to a credential file, " +
        "or set CLOUDSDK_AUTH_ACCESS_TOKEN_FILE to a file holding an access token " +
        "(for example from 'gcloud auth print-access-token').";

    /// <summary>The credential for calls to <paramref name="endpoint"/>; null for the local stand-in.</summary>
    /// <exception cref="ComputeCredentialsException">None was found, or a named file cannot be used.</exception>
    public static async Task<GoogleCredential?> ResolveAsync(Uri endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (Environment.GetEnvironmentVariable(AccessTokenFileVariable) is { } tokenFile
            && !string.IsNullOrWhiteSpace(tokenFile))
        {
            RefusePlainHttp(endpoint);
            return GoogleCredential.FromAccessToken(ReadAccessToken(tokenFile));
        }

        if (ComputeEndpoint.IsLocalPlainHttp(endpoint))
            return null;
        RefusePlainHttp(endpoint);

        if (Environment.GetEnvironmentVariable(CredentialsFileVariable) is { } file && !string.IsNullOrWhiteSpace(file))
        {
            if (!File.Exists(file))
                throw new ComputeCredentialsException(
                    $"{CredentialsFileVariable} names '{file}', which does not exist. Point it at a credential file, or unset it. " + WhatToDo);
            return Scoped(await FromFileAsync(file, CredentialsFileVariable, cancellationToken).ConfigureAwait(false));
        }

        var wellKnown = Path.Combine(GcloudConfiguration.ConfigDirectory(), AdcFileName);
        if (File.Exists(wellKnown))
            return Scoped(await FromFileAsync(wellKnown, "gcloud's application default credentials", cancellationToken)
                .ConfigureAwait(false));

        try
        {
            return Scoped(await GoogleCredential.GetApplicationDefaultAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (InvalidOperationException e)
        {
            throw new ComputeCredentialsException(
                "No Google credentials were found for the Compute Engine API (no access token file, no " +
                $"{CredentialsFileVariable}, no '{wellKnown}', and no Compute Engine metadata server). " + WhatToDo, e);
        }
    }

    /// <summary>The token of a <c>CLOUDSDK_AUTH_ACCESS_TOKEN_FILE</c>, trimmed.</summary>
    internal static string ReadAccessToken(string path)
    {
        string token;
        try
        {
            token = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ComputeCredentialsException(
                $"{AccessTokenFileVariable} names '{path}', which cannot be read: {e.Message}", e);
        }
        if (token.Length == 0)
            throw new ComputeCredentialsException(
                $"{AccessTokenFileVariable} names '{path}', which is empty. Write an access token into it " +
                "(for example with 'gcloud auth print-access-token'), or unset the variable.");
        return token;
    }

    private static async Task<GoogleCredential> FromFileAsync(string path, string what, CancellationToken cancellationToken)
    {
        try
        {
            var json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            var parameters = NewtonsoftJsonSerializer.Instance.Deserialize<JsonCredentialParameters>(json);
            if (string.IsNullOrEmpty(parameters?.Type))
                throw new ComputeCredentialsException($"The credential file '{path}' ({what}) has no \"type\". " + WhatToDo);
            // The file was chosen by the user (their variable or gcloud's own file): trust its type.
            return CredentialFactory.FromJson(json, parameters.Type);
        }
        catch (ComputeCredentialsException)
        {
            throw;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException
                                      or ArgumentException or Newtonsoft.Json.JsonException)
        {
            throw new ComputeCredentialsException(
                $"The credential file '{path}' ({what}) cannot be used: {e.Message}. " + WhatToDo, e);
        }
    }

    private static GoogleCredential Scoped(GoogleCredential credential) =>
        credential.IsCreateScopedRequired ? credential.CreateScoped(ComputeScope) : credential;

    private static void RefusePlainHttp(Uri endpoint)
    {
        if (endpoint.Scheme == Uri.UriSchemeHttp && !ComputeEndpoint.IsLocalPlainHttp(endpoint))
            throw new ComputeCredentialsException(
                $"The Compute endpoint '{endpoint}' is plain http on another machine; credentials are not sent " +
                "over plain http. Use https, or a loopback address for a local stand-in.");
    }
}
