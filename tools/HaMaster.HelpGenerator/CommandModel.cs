using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Reflection;

namespace HaMaster.HelpGenerator;

/// <summary>One cmdlet as PowerShell sees it: name, parameters with their sets, output types.</summary>
internal sealed record CommandModel(
    string Name,
    string Verb,
    string Noun,
    Type Type,
    ConfirmImpact ConfirmImpact,
    bool SupportsShouldProcess,
    string? DefaultParameterSet,
    IReadOnlyList<ParameterModel> Parameters,
    IReadOnlyList<string> OutputTypes)
{
    public const string AllSets = "__AllParameterSets";

    /// <summary>The named parameter sets, the default one first; empty when the cmdlet declares none.</summary>
    public IReadOnlyList<string> ParameterSets =>
        Parameters.SelectMany(p => p.Sets.Keys).Where(s => s != AllSets).Distinct()
            .OrderBy(s => s == DefaultParameterSet ? 0 : 1).ThenBy(s => s, StringComparer.Ordinal).ToList();
}

/// <summary>One parameter; <see cref="Sets"/> holds its Parameter attribute for each set it belongs to.</summary>
internal sealed record ParameterModel(
    string Name,
    Type Type,
    MemberInfo? Member,
    IReadOnlyDictionary<string, ParameterAttribute> Sets,
    IReadOnlyList<string> Aliases,
    bool Globbing,
    string DefaultValue,
    IReadOnlyList<string> ValidValues)
{
    /// <summary>The type without Nullable.</summary>
    public Type ValueType => Nullable.GetUnderlyingType(Type) ?? Type;
    public bool IsSwitch => ValueType == typeof(SwitchParameter);
    public bool IsArray => ValueType.IsArray;

    public ParameterAttribute In(string set) =>
        Sets.TryGetValue(set, out var attribute) ? attribute : Sets.TryGetValue(CommandModel.AllSets, out var all) ? all : Sets.Values.First();

    public bool Mandatory => Sets.Values.All(a => a.Mandatory);
    public int Position => Sets.Values.Select(a => a.Position).Where(p => p >= 0).DefaultIfEmpty(int.MinValue).Min();
    public bool ByValue => Sets.Values.Any(a => a.ValueFromPipeline);
    public bool ByPropertyName => Sets.Values.Any(a => a.ValueFromPipelineByPropertyName);

    /// <summary>PowerShell's short name of the type: String, String[], Int32, SwitchParameter, ProviderKind.</summary>
    public string TypeName => ShortName(ValueType);

    public static string ShortName(Type type)
    {
        if (type.IsArray) return ShortName(type.GetElementType()!) + "[]";
        if (!type.IsGenericType) return type.Name;
        var name = type.Name[..type.Name.IndexOf('`')];
        return $"{name}[{string.Join(",", type.GetGenericArguments().Select(ShortName))}]";
    }
}

/// <summary>Reads the cmdlets of an assembly by reflection.</summary>
internal static class CommandReader
{
    public static IReadOnlyList<CommandModel> Read(Assembly assembly) =>
        LoadableTypes(assembly)
            .Where(t => t is { IsClass: true, IsAbstract: false, IsPublic: true } && t.GetCustomAttribute<CmdletAttribute>() is not null)
            .Select(ReadCommand)
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try { return assembly.GetTypes(); }
        catch (ReflectionTypeLoadException e) { return e.Types.OfType<Type>(); }
    }

    private static CommandModel ReadCommand(Type type)
    {
        var cmdlet = type.GetCustomAttribute<CmdletAttribute>()!;
        var defaults = TryCreate(type);
        var parameters = new List<ParameterModel>();
        // Base classes first, each class in declaration order.
        foreach (var member in Hierarchy(type).SelectMany(DeclaredMembers))
        {
            var attributes = member.GetCustomAttributes<ParameterAttribute>().ToList();
            if (attributes.Count == 0 || parameters.Any(p => p.Name.Equals(member.Name, StringComparison.OrdinalIgnoreCase)))
                continue;
            var memberType = member is PropertyInfo property ? property.PropertyType : ((FieldInfo)member).FieldType;
            var sets = new Dictionary<string, ParameterAttribute>(StringComparer.Ordinal);
            foreach (var attribute in attributes) sets[attribute.ParameterSetName ?? CommandModel.AllSets] = attribute;
            var valueType = Nullable.GetUnderlyingType(memberType) ?? memberType;
            var elementType = valueType.IsArray ? valueType.GetElementType()! : valueType;
            var validValues = member.GetCustomAttribute<ValidateSetAttribute>()?.ValidValues.ToList()
                ?? (elementType.IsEnum ? Enum.GetNames(elementType).ToList() : []);
            parameters.Add(new ParameterModel(
                member.Name,
                memberType,
                member,
                sets,
                member.GetCustomAttributes<AliasAttribute>().SelectMany(a => a.AliasNames).ToList(),
                member.GetCustomAttribute<SupportsWildcardsAttribute>() is not null,
                FormatDefault(defaults is null ? null : ValueOf(member, defaults)),
                validValues));
        }

        if (cmdlet.SupportsShouldProcess)
        {
            foreach (var (name, alias) in new[] { ("WhatIf", "wi"), ("Confirm", "cf") })
                parameters.Add(new ParameterModel(name, typeof(SwitchParameter), null,
                    new Dictionary<string, ParameterAttribute> { [CommandModel.AllSets] = new ParameterAttribute() },
                    [alias], false, "False", []));
        }

        var outputs = type.GetCustomAttributes<OutputTypeAttribute>()
            .SelectMany(a => a.Type).Select(t => t.Name).Distinct().ToList();

        return new CommandModel($"{cmdlet.VerbName}-{cmdlet.NounName}", cmdlet.VerbName, cmdlet.NounName, type,
            cmdlet.ConfirmImpact, cmdlet.SupportsShouldProcess, cmdlet.DefaultParameterSetName,
            Order(parameters), outputs);
    }

    /// <summary>Positional parameters by position, then mandatory ones, then the rest; -WhatIf and -Confirm last.</summary>
    private static List<ParameterModel> Order(List<ParameterModel> parameters) =>
        parameters
            .Select((p, index) => (p, index))
            .OrderBy(x => x.p.Member is null ? 1 : 0)
            .ThenBy(x => x.p.Position >= 0 ? 0 : x.p.Mandatory ? 1 : 2)
            .ThenBy(x => x.p.Position >= 0 ? x.p.Position : 0)
            .ThenBy(x => x.index)
            .Select(x => x.p)
            .ToList();

    private static IEnumerable<Type> Hierarchy(Type type)
    {
        var chain = new List<Type>();
        for (var t = type; t is not null && t.Assembly == type.Assembly; t = t.BaseType) chain.Add(t);
        chain.Reverse();
        return chain;
    }

    private static IEnumerable<MemberInfo> DeclaredMembers(Type type) =>
        type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m is PropertyInfo or FieldInfo)
            .OrderBy(m => m.MetadataToken);

    private static object? TryCreate(Type type)
    {
        try { return Activator.CreateInstance(type); }
        catch (Exception) { return null; }
    }

    private static object? ValueOf(MemberInfo member, object instance)
    {
        try { return member is PropertyInfo property ? property.GetValue(instance) : ((FieldInfo)member).GetValue(instance); }
        catch (Exception) { return null; }
    }

    private static string FormatDefault(object? value) => value switch
    {
        null => "None",
        string s => s.Length == 0 ? "None" : s,
        SwitchParameter sw => sw.IsPresent ? "True" : "False",
        bool b => b ? "True" : "False",
        IEnumerable items => items.Cast<object?>().Any() ? string.Join(", ", items.Cast<object?>().Select(FormatDefault)) : "None",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "None",
    };
}
