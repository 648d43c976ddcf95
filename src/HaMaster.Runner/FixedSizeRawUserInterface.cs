using System.Management.Automation.Host;

namespace HaMaster.Runner;

/// <summary>A fixed-width "console" so that table output is laid out the same everywhere.</summary>
internal sealed class FixedSizeRawUserInterface : PSHostRawUserInterface
{
    private readonly Size _size;

    public FixedSizeRawUserInterface(int width) => _size = new Size(width, 50);

    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;
    public override Size BufferSize { get => new(_size.Width, 9999); set { } }
    public override Coordinates CursorPosition { get; set; }
    public override int CursorSize { get; set; }
    public override bool KeyAvailable => false;
    public override Size MaxPhysicalWindowSize => _size;
    public override Size MaxWindowSize => _size;
    public override Coordinates WindowPosition { get; set; }
    public override Size WindowSize { get => _size; set { } }
    public override string WindowTitle { get; set; } = "HaMaster";

    public override void FlushInputBuffer() { }
    public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException();
    public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException();
    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
    public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
}
