namespace HaMaster.Endpoint;

/// <summary>
/// Maps a request to the stand-in's answer for the few kube-apiserver paths it serves. The health and
/// version paths are public; discovery answers authenticated clients only, as under RBAC.
/// </summary>
public static class RequestRouter
{
    public static async Task<HttpResponse> RouteAsync(HttpRequestHead request, ServingState state, ClientIdentity client, string servedAt)
    {
        if (request.Method is not ("GET" or "HEAD"))
            return HttpResponse.Text(405, "method not allowed", new KeyValuePair<string, string>("Allow", "GET, HEAD"));

        var path = request.Path.Length > 1 ? request.Path.TrimEnd('/') : request.Path;
        switch (path)
        {
            case "/healthz":
            case "/livez":
                return HttpResponse.Text(200, "ok");
            case "/readyz":
                ReadinessResult readiness = await state.Readiness.CheckAsync().ConfigureAwait(false);
                return readiness.IsReady ? HttpResponse.Text(200, "ok") : HttpResponse.Text(500, readiness.Reason);
            case "/version":
                return HttpResponse.Json(200, state.VersionJson);
        }

        if (client.Rejected) return HttpResponse.Json(401, KubernetesDocuments.Status(401, "Unauthorized", "Unauthorized"));
        if (!client.IsAuthenticated)
            return HttpResponse.Json(403, KubernetesDocuments.Status(403, "Forbidden", $"forbidden: User \"{client.User}\" cannot get path \"{path}\""));
        return path switch
        {
            "/api" => HttpResponse.Json(200, KubernetesDocuments.ApiVersions(servedAt)),
            "/apis" => HttpResponse.Json(200, KubernetesDocuments.ApiGroupList),
            _ => HttpResponse.Text(404, "404 page not found"),
        };
    }
}
