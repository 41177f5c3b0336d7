using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FilmTrip.Hook.Watch;

/// <summary>
/// Which file a path or an open handle is (device and inode): logrotate's rename gives the path a new inode while
/// an open handle keeps the old one. .NET does not expose inodes, so this is statx(2).
/// </summary>
internal readonly partial record struct FileIdentity(uint DeviceMajor, uint DeviceMinor, ulong Inode)
{
    private const int AtFdCwd = -100, AtEmptyPath = 0x1000;
    private const uint StatxIno = 0x100;
    private const int StatxSize = 256, InodeOffset = 0x20, DevMajorOffset = 0x88, DevMinorOffset = 0x8C;
    private const int ENOENT = 2;

    /// <summary>The file at <paramref name="path"/> now, or null when nothing is there (rotated away, not created yet).</summary>
    public static unsafe FileIdentity? OfPath(string path)
    {
        Span<byte> buffer = stackalloc byte[StatxSize];
        fixed (byte* pointer = buffer)
        {
            if (Statx(AtFdCwd, path, 0, StatxIno, pointer) != 0)
            {
                if (Marshal.GetLastPInvokeError() == ENOENT) return null;
                throw new IOException($"statx('{path}') failed: {Marshal.GetLastPInvokeErrorMessage()}");
            }
        }
        return Read(buffer);
    }

    /// <summary>The file an open handle reads, whatever its name is now.</summary>
    public static unsafe FileIdentity OfHandle(SafeFileHandle handle)
    {
        Span<byte> buffer = stackalloc byte[StatxSize];
        fixed (byte* pointer = buffer)
        {
            if (Statx((int)handle.DangerousGetHandle(), "", AtEmptyPath, StatxIno, pointer) != 0)
                throw new IOException($"statx(fd) failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
        return Read(buffer);
    }

    private static FileIdentity Read(ReadOnlySpan<byte> statx) => new(
        BinaryPrimitives.ReadUInt32LittleEndian(statx[DevMajorOffset..]),
        BinaryPrimitives.ReadUInt32LittleEndian(statx[DevMinorOffset..]),
        BinaryPrimitives.ReadUInt64LittleEndian(statx[InodeOffset..]));

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int directoryFd, string path, int flags, uint mask, byte* buffer);
}
