using HaMaster.Packager;

// Usage: HaMaster.Packager <published module folder> <output folder>
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: HaMaster.Packager <published module folder> <output folder>");
    Console.Error.WriteLine("Writes <output>/<Name>/<Version>/ (the PowerShell Gallery layout) and <output>/<Name>.<Version>.nupkg (what Publish-Module uploads).");
    return 2;
}
try
{
    var result = GalleryPackage.Create(args[0], args[1]);
    Console.WriteLine($"Module folder: {result.ModuleFolder}");
    Console.WriteLine($"Package:       {result.PackagePath}");
    return 0;
}
catch (Exception e) when (e is PackagingException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"HaMaster.Packager: {e.Message}");
    return 1;
}
