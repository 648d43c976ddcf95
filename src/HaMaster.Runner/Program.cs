using HaMaster.Runner;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: HaMaster.Runner <script.ps1> [arguments...]");
    Console.Error.WriteLine("Runs a PowerShell script with the HaMaster module imported, in the PowerShell engine hosted by this program (no pwsh needed).");
    return 2;
}
if (!File.Exists(args[0]))
{
    Console.Error.WriteLine($"No such script: {args[0]}");
    return 2;
}
return ScriptRunner.Run(args[0], args[1..], Console.Out);
