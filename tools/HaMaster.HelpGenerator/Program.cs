using HaMaster.HelpGenerator;

// HaMaster.HelpGenerator <module.dll> <module.xml> <output-Help.xml> [<references.txt>]
// references.txt: the files the module needs at run time, one per line (the build's copy-local list).
if (args.Length is < 3 or > 4)
{
    Console.Error.WriteLine("usage: HaMaster.HelpGenerator <module.dll> <documentation.xml> <output-Help.xml> [<references.txt>]");
    return 2;
}

var (assemblyPath, documentationPath, outputPath) = (Path.GetFullPath(args[0]), Path.GetFullPath(args[1]), Path.GetFullPath(args[2]));
var references = args.Length == 4 ? File.ReadAllLines(args[3]).Select(l => l.Trim()).Where(l => l.Length > 0) : [];
try
{
    var context = new ModuleLoadContext(assemblyPath, references);
    var assembly = context.LoadFromAssemblyPath(assemblyPath);
    var commands = CommandReader.Read(assembly);
    if (commands.Count == 0)
    {
        Console.Error.WriteLine($"{Path.GetFileName(assemblyPath)} : error HMHELP002 : no cmdlet found in the assembly.");
        return 1;
    }
    var docs = new DocComments(documentationPath, commands.ToDictionary(c => DocComments.IdOf(c.Type), c => c.Name));

    var maml = new MemoryStream();
    var warnings = MamlWriter.Write(maml, commands, docs);
    foreach (var warning in warnings)
        Console.WriteLine($"{Path.GetFileName(documentationPath)} : warning HMHELP001 : {warning}");

    Directory.CreateDirectory(Path.GetDirectoryName(outputPath)!);
    var temporary = outputPath + ".tmp";
    File.WriteAllBytes(temporary, maml.ToArray());
    File.Move(temporary, outputPath, overwrite: true);
    Console.WriteLine($"HaMaster.HelpGenerator: {commands.Count} cmdlets, {commands.Sum(c => c.Parameters.Count)} parameters -> {Path.GetFileName(outputPath)}");
    return 0;
}
catch (Exception e)
{
    Console.Error.WriteLine($"{Path.GetFileName(assemblyPath)} : error HMHELP003 : help generation failed: {e}");
    return 1;
}
