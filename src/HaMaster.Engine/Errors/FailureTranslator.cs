using System.Net.Sockets;
using System.Reflection;
using System.Security.Authentication;
using Grpc.Core;
using HaMaster.Engine.Etcd;

namespace HaMaster.Engine.Errors;

/// <summary>
/// Turns any failure that reaches the user into an <see cref="HaException"/> with an id of the
/// catalog, a target and a recommended action. Wrappers (AggregateException, TargetInvocationException)
/// never reach the user: their inner failure does.
/// </summary>
public static class FailureTranslator
{
    private const string CheckCluster = "Check the cluster with Get-MasterReplica and Get-EtcdMember; an interrupted change is finished or rolled back by the next command on this cluster.";

    public static HaException Translate(Exception failure, object? target)
    {
        var (inner, others) = Unwrap(failure);
        var also = others > 0 ? $" ({others} more failure(s) at the same time)" : "";
        return inner switch
        {
            HaException ha when ha.Target is not null && others == 0 => ha,
            HaException ha => new HaException(ha.ErrorId, ha.Message + also, ha.RecommendedAction, ha.Target ?? target, ha.InnerException),
            EtcdRequestException etcd => new HaException(ErrorIds.EtcdRequestFailed, etcd.Message + also, CheckCluster, etcd.Endpoint, etcd),
            TimeoutException timeout => new HaException(ErrorIds.OperationTimedOut, timeout.Message + also,
                "Check the machine's load and the components' logs, then run the command again. " + CheckCluster, target, timeout),
            FileLoadException or BadImageFormatException => AssemblyNotLoaded(inner, also, target),
            FileNotFoundException { FileName: { } file } when file.Contains(", Version=", StringComparison.Ordinal) => AssemblyNotLoaded(inner, also, target),
            RpcException rpc => new HaException(ErrorIds.EtcdRequestFailed, $"An etcd request failed ({rpc.StatusCode}): {rpc.Status.Detail}{also}", CheckCluster, target, rpc),
            AuthenticationException or SocketException or HttpRequestException or IOException { InnerException: SocketException or AuthenticationException } =>
                new HaException(ErrorIds.ConnectionFailed, $"A connection failed: {MessageChain(inner)}{also}",
                    "Check the replicas with Get-MasterReplica (a stopped or crashed one refuses connections). A certificate that was not accepted is expired or not from the cluster's authorities: Get-HaCertificate lists them, Update-HaCertificate issues them anew.",
                    target, inner),
            UnauthorizedAccessException or IOException => new HaException(ErrorIds.StorageFailed, inner.Message + also,
                "Check that the file or folder named above can be written and that its disk has free space (HaMaster's own files are in the state folder: $HaMasterHome, $env:HAMASTER_HOME or ~/.hamaster), then run the command again.", target, inner),
            ObjectDisposedException => Unexpected(inner, also, target),
            InvalidOperationException => new HaException(ErrorIds.ComponentFailed, inner.Message + also,
                "Fix the cause named above (in the component's own words where it gave any; its log is in the replica's folder), then run the command again. " + CheckCluster, target, inner),
            _ => Unexpected(inner, also, target),
        };
    }

    private static HaException Unexpected(Exception failure, string also, object? target) =>
        new(ErrorIds.UnexpectedError, $"HaMaster failed unexpectedly: {failure.Message}{also}",
            "Run the command again with -Verbose; if it fails again, report it with that output.", target, failure);

    /// <summary>.NET's "see inner exception" wrappers say nothing: the chain's messages, outermost first, each once.</summary>
    private static string MessageChain(Exception failure)
    {
        var messages = new List<string>();
        for (var current = failure; current is not null; current = current.InnerException)
            if (!messages.Contains(current.Message)) messages.Add(current.Message);
        return string.Join(" ", messages.Select(m => m.TrimEnd('.') + "."));
    }

    private static HaException AssemblyNotLoaded(Exception failure, string also, object? target) =>
        new(ErrorIds.UnexpectedError, $"HaMaster could not load one of its assemblies: {failure.Message}{also}",
            "Reinstall the module (Install-Module HaMaster -Force) in a new PowerShell session.", target, failure);

    private static (Exception Inner, int Others) Unwrap(Exception failure)
    {
        var others = 0;
        while (true)
        {
            switch (failure)
            {
                case AggregateException aggregate when aggregate.InnerExceptions.Count > 0:
                    others += aggregate.InnerExceptions.Count - 1;
                    failure = aggregate.InnerExceptions[0];
                    break;
                case TargetInvocationException { InnerException: { } invoked }:
                    failure = invoked;
                    break;
                default:
                    return (failure, others);
            }
        }
    }
}
