namespace HaMaster.Engine.Errors;

/// <summary>
/// The category of a failure. Member names match PowerShell's ErrorCategory so that the cmdlet
/// layer maps them one to one, while the engine stays independent of PowerShell.
/// </summary>
public enum HaErrorCategory
{
    InvalidArgument,
    ObjectNotFound,
    ResourceExists,
    NotInstalled,
    InvalidData,
    ResourceBusy,
    InvalidOperation,
    OperationTimeout,
    ConnectionError,
    AuthenticationError,
    NotImplemented,
    OperationStopped,
    WriteError,
    InvalidResult,
    NotSpecified,
}
