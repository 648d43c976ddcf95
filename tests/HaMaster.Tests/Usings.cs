global using Xunit;

// The PowerShell-level tests drive the Local provider, which needs Linux (loopback addresses 127.x.y.z).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
