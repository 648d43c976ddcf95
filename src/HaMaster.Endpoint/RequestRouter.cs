namespace HaMaster.Endpoint;

/// <summary>Maps a request to the stand-in's answer for the few kube-apiserver paths it serves.</summary>
public static class RequestRouter
{
    public static async Task<HttpResponse> RouteAsync(HttpRequestHead request, ServingState state)
    {
        if (request.Method is not ("GET" or "HEAD"))
            return HttpResponse.Text(405, "method not allowed", new KeyValuePair<string, string>("Allow", "GET, HEAD"));

        switch (request.Path)
        {
            case "/healthz":
            case "/livez":
                return HttpResponse.Text(200, "ok");
            case "/readyz":
                ReadinessResult readiness = await state.Readiness.CheckAsync().ConfigureAwait(false);
                return readiness.IsReady ? HttpResponse.Text(200, "ok") : HttpResponse.Text(500, readiness.Reason);
            case "/version":
                return HttpResponse.Json(200, state.VersionJson);
            default:
                return HttpResponse.Text(404, "404 page not found");
        }
    }
}
