using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Reflection;

namespace KernelDiscipline.Runtime
{
    /// <summary>
    /// Where a lockdep report's lock operation came from in the user's code: the first frame of the stack outside
    /// the Runtime and outside methods annotated as lock wrappers ([Acquires], [TryAcquires], [Releases]). A wrapper's
    /// [CallerLineNumber] names the wrapper's own line; the person reading the report wants the line that called it.
    /// Only computed when a report is made, never on the lock paths.
    /// </summary>
    internal static class CallerSite
    {
        private const int ShortStack = 6;

        public static (string? File, int Line, IReadOnlyList<string> Stack) Find()
        {
            var frames = new StackTrace(1, fNeedFileInfo: true).GetFrames();
            var runtime = typeof(CallerSite).Assembly;
            var stack = new List<string>();
            string? file = null;
            int line = 0;
            foreach (var frame in frames)
            {
                var method = frame.GetMethod();
                if (method is null || (stack.Count == 0 && IsLockMachinery(method, runtime)))
                {
                    continue;
                }

                if (stack.Count == 0)
                {
                    file = frame.GetFileName();
                    line = frame.GetFileLineNumber();
                }

                string where = frame.GetFileName() is string path ? $" ({System.IO.Path.GetFileName(path)}:{frame.GetFileLineNumber()})" : string.Empty;
                stack.Add($"{method.DeclaringType?.FullName}.{method.Name}{where}");
                if (stack.Count == ShortStack)
                {
                    break;
                }
            }

            return (file, line, stack);
        }

        private static bool IsLockMachinery(MethodBase method, Assembly runtime) =>
            method.DeclaringType?.Assembly == runtime ||
            method.IsDefined(typeof(AcquiresAttribute), inherit: false) ||
            method.IsDefined(typeof(TryAcquiresAttribute), inherit: false) ||
            method.IsDefined(typeof(ReleasesAttribute), inherit: false);
    }
}
