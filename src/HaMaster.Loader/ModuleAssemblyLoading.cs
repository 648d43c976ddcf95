using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace HaMaster.Loader;

/// <summary>
/// Keeps the module's dependencies out of the session's default load context.
/// </summary>
/// <remarks>
/// In the installed layout only HaMaster.dll (the cmdlets) and this assembly sit in the module
/// folder, where PowerShell loads them into the default context; HaMaster.Engine, HaMaster.Local,
/// HaMaster.Endpoint and every third-party assembly (BouncyCastle, dotnet-etcd, Grpc,
/// Google.Protobuf, ...) sit in <see cref="DependencyFolderName"/>, which the default context never
/// probes. When the default
/// context fails to find one of HaMaster's own assemblies, this loads it into one private
/// <see cref="HaMasterLoadContext"/>, and that context resolves everything those assemblies need
/// from the dependencies folder first. So a session that already loaded other versions of the
/// same libraries keeps them, and the module gets its own.
///
/// In the build output (tests, the script runner) everything sits flat beside HaMaster.dll and the
/// default context finds it itself: this handler is then never asked and changes nothing.
///
/// The manifest imports this assembly as a nested module, so before the root module: PowerShell
/// reads HaMaster.dll's public types on import, and some of them already need HaMaster.Engine.
///
/// Import time: registering the handler is all this does on import; the context is created when
/// the engine is first needed.
/// </remarks>
public sealed class ModuleAssemblyLoading : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    /// <summary>The subfolder of the module folder that holds every assembly but HaMaster.dll and this one.</summary>
    public const string DependencyFolderName = "dependencies";

    private const string OwnAssemblyPrefix = "HaMaster.";

    private static readonly object s_gate = new();
    private static HaMasterLoadContext? s_context;
    private static int s_imports;

    public void OnImport()
    {
        lock (s_gate)
        {
            if (s_imports++ == 0) AssemblyLoadContext.Default.Resolving += ResolveOwnAssembly;
        }
    }

    /// <summary>
    /// Counted: other runspaces of the process may still have the module imported and not have
    /// needed all of its assemblies yet. What was loaded stays loaded either way.
    /// </summary>
    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        lock (s_gate)
        {
            if (s_imports > 0 && --s_imports == 0) AssemblyLoadContext.Default.Resolving -= ResolveOwnAssembly;
        }
    }

    private static Assembly? ResolveOwnAssembly(AssemblyLoadContext defaultContext, AssemblyName name)
    {
        if (name.Name is not { } simpleName || !simpleName.StartsWith(OwnAssemblyPrefix, StringComparison.Ordinal))
            return null;
        var folder = DependencyFolder();
        if (folder is null || !File.Exists(Path.Combine(folder, simpleName + ".dll"))) return null;
        return ContextFor(folder).LoadFromAssemblyName(name);
    }

    private static string? DependencyFolder()
    {
        var location = typeof(ModuleAssemblyLoading).Assembly.Location;
        if (string.IsNullOrEmpty(location)) return null;
        var folder = Path.Combine(Path.GetDirectoryName(location)!, DependencyFolderName);
        return Directory.Exists(folder) ? folder : null;
    }

    private static HaMasterLoadContext ContextFor(string folder)
    {
        lock (s_gate) return s_context ??= new HaMasterLoadContext(folder);
    }

    /// <summary>
    /// Loads from the dependencies folder what is there, and leaves the rest (the .NET libraries,
    /// System.Management.Automation) to the default context so those types stay shared.
    /// </summary>
    private sealed class HaMasterLoadContext(string folder) : AssemblyLoadContext("HaMaster", isCollectible: false)
    {
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (assemblyName.Name is null) return null;
            var path = Path.Combine(folder, assemblyName.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            var path = Path.Combine(folder, unmanagedDllName);
            return File.Exists(path) ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
        }
    }
}
