using System;
using System.Reflection;
using System.Threading;

namespace KernelDiscipline.Runtime
{
    /// <summary>
    /// <c>lockdep_assert_held()</c>: with lockdep on, a call that does not hold the lock fails at once with a clear
    /// exception; statically the analyzers take the lock as held from the call on (Clang's ASSERT_CAPABILITY), so a
    /// helper that cannot say [MustHold] can still touch guarded data after asserting.
    /// </summary>
    public static partial class Lockdep
    {
        /// <summary>The calling thread holds <paramref name="lockInstance"/> exclusively (for an rw semaphore: for write).</summary>
        /// <exception cref="LockStateException">Lockdep is on and the calling thread does not hold it so.</exception>
        public static void AssertHeld(KernelLock lockInstance)
        {
            if (enabled && !IsHeld(lockInstance ?? throw new ArgumentNullException(nameof(lockInstance)), shared: false))
            {
                throw NotHeld(lockInstance.ToString(), "exclusively");
            }
        }

        /// <summary>The calling thread holds <paramref name="lockInstance"/> in either mode (<c>lockdep_assert_held_read</c> and write alike).</summary>
        /// <exception cref="LockStateException">Lockdep is on and the calling thread does not hold it.</exception>
        public static void AssertHeldShared(KernelLock lockInstance)
        {
            if (enabled && !IsHeld(lockInstance ?? throw new ArgumentNullException(nameof(lockInstance))))
            {
                throw NotHeld(lockInstance.ToString(), "in either mode");
            }
        }

        /// <summary>
        /// The calling thread holds <paramref name="lockObject"/>: a Runtime lock, an object used with <c>lock</c> or
        /// Monitor, a <c>System.Threading.Lock</c>, a <see cref="SemaphoreSlim"/> used as a mutex (taken: its count is
        /// zero), or a <see cref="ReaderWriterLockSlim"/> held for write.
        /// </summary>
        /// <exception cref="LockStateException">Lockdep is on and the calling thread does not hold it.</exception>
        public static void AssertHeld(object lockObject)
        {
            if (enabled && !Holds(lockObject ?? throw new ArgumentNullException(nameof(lockObject)), shared: false))
            {
                throw NotHeld(Describe(lockObject), "exclusively");
            }
        }

        /// <summary>As <see cref="AssertHeld(object)"/>, where held for read suffices (a <see cref="ReaderWriterLockSlim"/>'s read or upgradeable side).</summary>
        /// <exception cref="LockStateException">Lockdep is on and the calling thread does not hold it.</exception>
        public static void AssertHeldShared(object lockObject)
        {
            if (enabled && !Holds(lockObject ?? throw new ArgumentNullException(nameof(lockObject)), shared: true))
            {
                throw NotHeld(Describe(lockObject), "in either mode");
            }
        }

        private static bool Holds(object lockObject, bool shared) => lockObject switch
        {
            KernelLock kernelLock => shared ? IsHeld(kernelLock) : IsHeld(kernelLock, shared: false),
            Folio folio => Holds(folio.LockInstance, shared), // a [LockClass] type: the analyses take the folio for its lock
            ReaderWriterLockSlim rw => rw.IsWriteLockHeld || (shared && (rw.IsReadLockHeld || rw.IsUpgradeableReadLockHeld)),
            SemaphoreSlim semaphore => semaphore.CurrentCount == 0, // no owner to ask: taken by someone is all it can tell
            _ when ThreadingLockHeld(lockObject) is bool held => held,
            _ => Monitor.IsEntered(lockObject),
        };

        /// <summary>
        /// System.Threading.Lock (.NET 9 and later) is not a type of the net8.0 Runtime: its
        /// <c>IsHeldByCurrentThread</c> is read through a delegate made once. Null: not such a lock.
        /// </summary>
        private static bool? ThreadingLockHeld(object lockObject)
        {
            var type = lockObject.GetType();
            if (type.FullName != "System.Threading.Lock")
            {
                return null;
            }

            var read = threadingLockHeld;
            if (read is null)
            {
                var getter = type.GetProperty("IsHeldByCurrentThread", BindingFlags.Public | BindingFlags.Instance)?.GetGetMethod();
                read = getter is null ? (_ => false) : (target => (bool)getter.Invoke(target, null)!);
                threadingLockHeld = read;
            }

            return read(lockObject);
        }

        private static Func<object, bool>? threadingLockHeld;

        private static string Describe(object lockObject) => lockObject switch
        {
            KernelLock kernelLock => kernelLock.ToString(),
            Folio folio => folio.LockInstance.ToString(),
            _ => lockObject.GetType().Name,
        };

        private static LockStateException NotHeld(string what, string how) =>
            new LockStateException($"lockdep_assert_held: {what} is not held {how} by the calling thread (thread {Environment.CurrentManagedThreadId}).");
    }
}
