namespace HaMaster.Endpoint;

/// <summary>Who sent a request, as kube-apiserver's x509 authenticator decides it.</summary>
/// <param name="User">The certificate's common name; system:anonymous without a certificate.</param>
/// <param name="Groups">The certificate's organizations.</param>
/// <param name="Rejected">A certificate was presented but not issued by a client CA (kube-apiserver answers 401).</param>
public sealed record ClientIdentity(string User, IReadOnlyList<string> Groups, bool Rejected)
{
    public static readonly ClientIdentity Anonymous = new("system:anonymous", ["system:unauthenticated"], Rejected: false);
    public static readonly ClientIdentity Unauthorized = new("", [], Rejected: true);

    public bool IsAuthenticated => !Rejected && this != Anonymous;
}
