namespace HaMaster.Engine;

/// <summary>Numbers in messages: "1 replica", "3 replicas".</summary>
public static class Wording
{
    public static string Plural(int count, string word) => count == 1 ? word : word + "s";

    public static string Counted(int count, string word) => $"{count} {Plural(count, word)}";
}
