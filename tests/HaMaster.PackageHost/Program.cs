using System.Management.Automation;
using System.Management.Automation.Runspaces;

// Usage: HaMaster.PackageHost <script.ps1> [arguments...]
// Runs the script in a new runspace with only PowerShell's own modules; prints each output object
// and each error on its own line; exits 1 when the script wrote an error or threw.
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: HaMaster.PackageHost <script.ps1> [arguments...]");
    return 2;
}
using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
runspace.Open();
runspace.SessionStateProxy.SetVariable("HostFolder", AppContext.BaseDirectory);
using var shell = PowerShell.Create();
shell.Runspace = runspace;
shell.AddCommand(Path.GetFullPath(args[0]));
foreach (var argument in args[1..]) shell.AddArgument(argument);
var failed = false;
try
{
    foreach (var item in shell.Invoke()) Console.WriteLine(item?.ToString());
}
catch (RuntimeException e)
{
    Console.WriteLine($"error: {e.ErrorRecord.FullyQualifiedErrorId}: {e.ErrorRecord}");
    failed = true;
}
foreach (var error in shell.Streams.Error)
{
    Console.WriteLine($"error: {error.FullyQualifiedErrorId}: {error}");
    failed = true;
}
return failed ? 1 : 0;
