using System;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace KernelDiscipline.Runtime
{
    /// <summary>The kernel's assertions.</summary>
    public static class Kernel
    {
        private static readonly ConcurrentDictionary<string, bool> WarnedSites = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);

        /// <summary>Receives <see cref="WarnOnOnce"/> messages; standard error when unset.</summary>
        public static Action<string>? WarningSink { get; set; }

        /// <summary>
        /// <c>BUG_ON</c>: the condition means the state is corrupt and the kernel would oops; throws
        /// <see cref="KernelBugException"/>. For conditions the caller can recover from, use <see cref="WarnOnOnce"/>.
        /// </summary>
        public static void BugOn([DoesNotReturnIf(true)] bool condition, [CallerArgumentExpression(nameof(condition))] string expression = "",
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            if (condition)
            {
                throw new KernelBugException($"kernel BUG at {System.IO.Path.GetFileName(file)}:{line}: {expression}");
            }
        }

        /// <summary>
        /// <c>WARN_ON_ONCE</c>: reports the first time the condition holds at this call site and returns it, so the
        /// caller can recover: <c>if (Kernel.WarnOnOnce(x)) return -Errno.EINVAL;</c>.
        /// </summary>
        public static bool WarnOnOnce(bool condition, [CallerArgumentExpression(nameof(condition))] string expression = "",
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            if (condition && WarnedSites.TryAdd(file + ":" + line, true))
            {
                string message = $"WARNING: at {System.IO.Path.GetFileName(file)}:{line}: {expression}";
                var sink = WarningSink;
                if (sink != null)
                {
                    sink(message);
                }
                else
                {
                    Console.Error.WriteLine(message);
                }
            }

            return condition;
        }
    }
}
