using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace FilmTrip.Hook;

/// <summary>What an entry is, as overlayfs's upper directory needs it told apart (.NET shows a whiteout as a plain file).</summary>
internal enum EntryKind { Missing, Directory, Whiteout, Other }

/// <summary>The libc calls dependency reuse needs and .NET does not expose: link, FICLONE, statx, xattrs, the effective ids.</summary>
internal static partial class Native
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int StatxSize = 256;
    private const int ModeOffset = 0x1C, RdevMajorOffset = 0x80, RdevMinorOffset = 0x84;
    private const int FileTypeMask = 0xF000, DirectoryType = 0x4000, CharacterDevice = 0x2000;
    /// <summary>_IOW(0x94, 9, int): clone a whole file, sharing its extents (btrfs, xfs with reflink=1, bcachefs).</summary>
    private const nuint Ficlone = 0x40049409;
    private const string OverlayAttributePrefix = "user.overlay.";

    public static void HardLink(string existing, string newPath)
    {
        if (Link(existing, newPath) != 0)
            throw new IOException($"link('{existing}', '{newPath}') failed: {Marshal.GetLastPInvokeErrorMessage()}");
    }

    /// <summary>Makes <paramref name="target"/> (empty, open for writing) share <paramref name="source"/>'s data. Null on success, else why not.</summary>
    public static string? Clone(SafeFileHandle source, SafeFileHandle target) =>
        Ioctl((int)target.DangerousGetHandle(), Ficlone, (int)source.DangerousGetHandle()) == 0 ? null : Marshal.GetLastPInvokeErrorMessage();

    /// <summary>The entry's kind without following a symlink; a character device 0/0 is an overlayfs whiteout (a deletion).</summary>
    public static unsafe EntryKind KindOf(string path)
    {
        Span<byte> buffer = stackalloc byte[StatxSize];
        fixed (byte* pointer = buffer)
        {
            if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, pointer) != 0)
            {
                if (Marshal.GetLastPInvokeError() == 2) return EntryKind.Missing;
                throw new IOException($"statx('{path}') failed: {Marshal.GetLastPInvokeErrorMessage()}");
            }
        }
        var type = BinaryPrimitives.ReadUInt16LittleEndian(buffer[ModeOffset..]) & FileTypeMask;
        if (type == DirectoryType) return EntryKind.Directory;
        var whiteout = type == CharacterDevice
            && BinaryPrimitives.ReadUInt32LittleEndian(buffer[RdevMajorOffset..]) == 0
            && BinaryPrimitives.ReadUInt32LittleEndian(buffer[RdevMinorOffset..]) == 0;
        return whiteout ? EntryKind.Whiteout : EntryKind.Other;
    }

    /// <summary>An overlayfs directory that hides everything below it in the lower layer (removed and made again by the build).</summary>
    public static unsafe bool IsOpaque(string directory)
    {
        byte value = 0;
        return GetAttribute(directory, OverlayAttributePrefix + "opaque", &value, 1) == 1 && value == (byte)'y';
    }

    /// <summary>Drops overlayfs's bookkeeping attributes from an entry leaving the upper layer: it becomes a plain file of the release.</summary>
    public static unsafe void RemoveOverlayAttributes(string path)
    {
        Span<byte> names = stackalloc byte[1024];
        nint length;
        fixed (byte* pointer = names) length = ListAttributes(path, pointer, names.Length);
        if (length <= 0) return; // none, or symlinks and filesystems without user xattrs: nothing to drop
        foreach (var name in Encoding.UTF8.GetString(names[..(int)length]).Split('\0', StringSplitOptions.RemoveEmptyEntries))
            if (name.StartsWith(OverlayAttributePrefix, StringComparison.Ordinal))
                _ = RemoveAttribute(path, name);
    }

    public static uint EffectiveUserId => GetEffectiveUserId();
    public static uint EffectiveGroupId => GetEffectiveGroupId();

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string newPath);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, nuint request, int argument);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int directoryFd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "lgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial nint GetAttribute(string path, string name, byte* value, nuint size);

    [LibraryImport("libc", EntryPoint = "llistxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial nint ListAttributes(string path, byte* list, nint size);

    [LibraryImport("libc", EntryPoint = "lremovexattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RemoveAttribute(string path, string name);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "getegid")]
    private static partial uint GetEffectiveGroupId();
}
