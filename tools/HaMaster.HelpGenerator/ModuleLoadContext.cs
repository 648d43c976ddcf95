using System.Reflection;
using System.Runtime.Loader;

namespace HaMaster.HelpGenerator;

/// <summary>
/// Loads the module assembly and its own dependencies (the engine, the providers, their packages)
/// from the files the build names, in a context of their own. Anything the generator itself can
/// load (the runtime and System.Management.Automation) comes from the default context, so the
/// cmdlet attributes read here are the very types this program compiles against.
/// </summary>
internal sealed class ModuleLoadContext : AssemblyLoadContext
{
    private readonly Dictionary<string, string> _files = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _platform = new(StringComparer.OrdinalIgnoreCase);

    public ModuleLoadContext(string moduleAssembly, IEnumerable<string> dependencies)
        : base("HaMasterHelp", isCollectible: false)
    {
        var trusted = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "";
        foreach (var file in trusted.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            _platform.Add(Path.GetFileNameWithoutExtension(file));

        // The folder of the module assembly first, then the named files (which win).
        var folder = Path.GetDirectoryName(Path.GetFullPath(moduleAssembly))!;
        foreach (var file in Directory.EnumerateFiles(folder, "*.dll"))
            _files[Path.GetFileNameWithoutExtension(file)] = file;
        foreach (var file in dependencies.Where(f => f.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && File.Exists(f)))
            _files[Path.GetFileNameWithoutExtension(file)] = Path.GetFullPath(file);
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var name = assemblyName.Name;
        if (name is null || _platform.Contains(name)) return null;
        return _files.TryGetValue(name, out var file) ? LoadFromAssemblyPath(file) : null;
    }
}
