using Google.Apis.Json;
using Google.Apis.Services;
using Newtonsoft.Json;

namespace HaMaster.Gce.Compute;

/// <summary>
/// The Compute Engine REST v1 client, on Google.Apis core. Requests are made through the collection
/// properties (<see cref="Instances"/>, <see cref="Addresses"/>…) and sent with <c>ExecuteAsync</c>;
/// mutations answer an <see cref="Operation"/> to pass to <see cref="WaitAsync"/>.
/// <para>
/// Google.Apis' default back-off is off; the <see cref="ComputeRetryHandler"/> retries 429, 503 and 403
/// rateLimitExceeded with the <see cref="ComputeRetryPolicy"/> of the options.
/// </para>
/// </summary>
public sealed class ComputeService : BaseClientService
{
    private readonly string _baseUri;

    /// <summary>Builds the service with the credential of the options as given (null: no credential).</summary>
    public ComputeService(ComputeServiceOptions options)
        : base(BuildInitializer(options, out var baseUri))
    {
        _baseUri = baseUri;
        Stats = new OperationStats();
        Addresses = new AddressesResource(this);
        Instances = new InstancesResource(this);
        Firewalls = new FirewallsResource(this);
        HttpHealthChecks = new HttpHealthChecksResource(this);
        TargetPools = new TargetPoolsResource(this);
        ForwardingRules = new ForwardingRulesResource(this);
        Operations = new OperationsResource(this);
        Zones = new ZonesResource(this);
        Regions = new RegionsResource(this);
        Waiter = new OperationWaiter(Operations, Stats, options.OperationPollInterval);
    }

    /// <summary>
    /// Builds the service for real use: the endpoint from the options or the environment, and when the
    /// options give no credential, the one <see cref="ComputeCredentials.ResolveAsync"/> finds.
    /// </summary>
    /// <exception cref="ComputeCredentialsException">No credential could be found.</exception>
    public static async Task<ComputeService> CreateAsync(ComputeServiceOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var resolved = options?.Copy() ?? new ComputeServiceOptions();
        var endpoint = ComputeEndpoint.Resolve(resolved.Endpoint);
        resolved.Endpoint = endpoint.AbsoluteUri;
        resolved.Credential ??= await ComputeCredentials.ResolveAsync(endpoint, cancellationToken).ConfigureAwait(false);
        return new ComputeService(resolved);
    }

    public override string Name => "compute";
    public override string BaseUri => _baseUri;
    public override string BasePath => "compute/v1/";
    public override IList<string> Features => [];

    public AddressesResource Addresses { get; }
    public InstancesResource Instances { get; }
    public FirewallsResource Firewalls { get; }
    public HttpHealthChecksResource HttpHealthChecks { get; }
    public TargetPoolsResource TargetPools { get; }
    public ForwardingRulesResource ForwardingRules { get; }
    public OperationsResource Operations { get; }
    public ZonesResource Zones { get; }
    public RegionsResource Regions { get; }

    /// <summary>Counts of operation waits made through this service.</summary>
    public OperationStats Stats { get; }

    public OperationWaiter Waiter { get; }

    /// <summary>Waits until the operation is DONE (see <see cref="OperationWaiter.WaitAsync"/>).</summary>
    public Task<Operation> WaitAsync(Operation operation, CancellationToken cancellationToken = default) =>
        Waiter.WaitAsync(operation, cancellationToken);

    /// <summary>Waits for several operations at once (see <see cref="OperationWaiter.WaitAllAsync"/>).</summary>
    public Task<IReadOnlyList<Operation>> WaitAllAsync(IEnumerable<Operation> operations,
        CancellationToken cancellationToken = default) =>
        Waiter.WaitAllAsync(operations, cancellationToken);

    /// <summary>The JSON settings of the client: Google's, without turning date-like strings into dates.</summary>
    internal static JsonSerializerSettings JsonSettings()
    {
        var settings = NewtonsoftJsonSerializer.CreateDefaultSettings();
        settings.DateParseHandling = DateParseHandling.None;
        return settings;
    }

    private static Initializer BuildInitializer(ComputeServiceOptions options, out string baseUri)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Retry.Validate();
        baseUri = ComputeEndpoint.Resolve(options.Endpoint).AbsoluteUri;
        return new Initializer
        {
            BaseUri = baseUri,
            ApplicationName = options.ApplicationName,
            HttpClientInitializer = new ComputeHttpInitializer(options.Credential, options.Retry),
            HttpClientFactory = options.HttpClientFactory,
            DefaultExponentialBackOffPolicy = Google.Apis.Http.ExponentialBackOffPolicy.None,
            // Small JSON bodies; plain bodies also keep a local stand-in simple.
            GZipEnabled = false,
            HttpClientTimeout = options.HttpTimeout,
            Serializer = new NewtonsoftJsonSerializer(JsonSettings()),
        };
    }
}
