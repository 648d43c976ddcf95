namespace HaMaster.Engine.Errors;

/// <summary>
/// A failure the user can act on: a stable error id (its category comes from the catalog), the
/// object concerned, a message that says what happened and a recommended action that says what to do.
/// </summary>
public sealed class HaException : Exception
{
    public HaException(string errorId, string message, string recommendedAction, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Category = ErrorCatalog.Get(errorId).Category;
        RecommendedAction = recommendedAction;
        Target = target;
    }

    public string ErrorId { get; }
    public HaErrorCategory Category { get; }
    public string RecommendedAction { get; }
    public object? Target { get; }
}
