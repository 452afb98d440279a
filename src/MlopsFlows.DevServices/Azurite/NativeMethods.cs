using System.Runtime.InteropServices;

namespace MlopsFlows.DevServices.Azurite;

internal static partial class NativeMethods
{
    /// <summary>POSIX kill(2): .NET can only send SIGKILL, and Azurite needs SIGTERM to save its data before exiting.</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);
}
