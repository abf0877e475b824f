using System;
using System.Runtime.CompilerServices;

namespace KernelDiscipline.Runtime
{
    /// <summary>
    /// Ordering helpers for two locks of one class (<c>double_pt_lock</c>): they take the locks in instance order,
    /// so two threads locking the same pair never invert, and take a shared lock once.
    /// </summary>
    public static class LockOrder
    {
        /// <summary>Takes both spinning locks in a fixed order; a lock passed twice is taken once.</summary>
        [Acquires(Target = LockTarget.Arguments, Nested = true)]
        public static void DoubleLock(TicketLock first, TicketLock second, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            CheckPair(first, second);
            if (ReferenceEquals(first, second))
            {
                first.Lock(file, line);
                return;
            }

            var (outer, inner) = first.InstanceId < second.InstanceId ? (first, second) : (second, first);
            outer.Lock(file, line);
            inner.LockNested(1, file, line);
        }

        /// <summary>Releases what <see cref="DoubleLock"/> took.</summary>
        [Releases(Target = LockTarget.Arguments)]
        public static void DoubleUnlock(TicketLock first, TicketLock second, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            CheckPair(first, second);
            first.Unlock(file, line);
            if (!ReferenceEquals(first, second))
            {
                second.Unlock(file, line);
            }
        }

        private static void CheckPair(TicketLock first, TicketLock second)
        {
            if (first is null || second is null)
            {
                throw new ArgumentNullException(first is null ? nameof(first) : nameof(second));
            }

            if (first.Class != second.Class)
            {
                throw new ArgumentException($"DoubleLock orders two locks of one class; got {first.Class} and {second.Class}.");
            }
        }
    }

    /// <summary>The RCU read side, as held by a live lockless map: atomic context, recursive, never ordered.</summary>
    internal sealed class RcuReadSide : KernelLock
    {
        public static readonly RcuReadSide Instance = new RcuReadSide();

        private RcuReadSide()
            : base(LockClass.RcuRead, recursive: true)
        {
        }

        public static void Lock(string file, int line)
        {
            if (Lockdep.Enabled)
            {
                Lockdep.RcuEnter(file, line);
            }
        }

        public static void Unlock(string file, int line)
        {
            if (Lockdep.Enabled)
            {
                Lockdep.RcuExit(file, line);
            }
        }
    }
}
