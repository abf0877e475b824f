using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace KernelDiscipline.Runtime
{
    /// <summary>
    /// A fair spinning lock (the kernel's ticket spinlock, <c>spinlock_t</c>). Holding it makes the context atomic:
    /// no sleeping lock may be taken under it. Not recursive; only the owner may unlock.
    /// </summary>
    public sealed class TicketLock : KernelLock
    {
        // The ticket words live on a cache line of their own, so that the PTLs of neighbouring tables (allocated
        // next to each other) do not share a line between CPUs: split locks only scale if their lines are split too.
        private Words words;

        /// <summary>Creates a spinning lock of <paramref name="lockClass"/> (which must be a spinning class).</summary>
        public TicketLock(LockClass lockClass)
            : base(lockClass)
        {
            if (lockClass.Kind != LockKind.Spinning)
            {
                throw new System.ArgumentException($"Lock class '{lockClass.Name}' is sleeping; a TicketLock spins.", nameof(lockClass));
            }
        }

        /// <summary>True when some thread holds the lock.</summary>
        public bool IsLocked => Volatile.Read(ref words.OwnerThread) != 0;

        /// <summary>True when the calling thread holds the lock.</summary>
        public bool IsHeldByCurrentThread => Volatile.Read(ref words.OwnerThread) == Environment.CurrentManagedThreadId;

        /// <summary>True when a thread is spinning for the lock (tests use this to order a race deterministically).</summary>
        internal bool HasWaiters => Volatile.Read(ref words.NextTicket) - Volatile.Read(ref words.NowServing) > 1;

        /// <summary>Takes the lock, spinning until it is free (<c>spin_lock</c>).</summary>
        [Acquires]
        public void Lock([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => LockCore(0, file, line);

        /// <summary>Takes the lock until the returned guard is disposed: <c>using (ptl.LockScope()) { … }</c>.</summary>
        [Acquires(Target = LockTarget.Scope)]
        public LockGuard LockScope([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            LockCore(0, file, line);
            return new LockGuard(this, shared: false);
        }

        /// <summary>
        /// Takes a second lock of this lock's class (<c>spin_lock_nested</c>): the caller promises that an outer lock
        /// rules out the inversion (e.g. mremap's destination PTL under an exclusive mmap_lock).
        /// </summary>
        [Acquires(Nested = true)]
        public void LockNested(int subclass = 1, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            if (subclass < 1 || subclass >= Lockdep.MaxSubclasses)
            {
                throw new System.ArgumentOutOfRangeException(nameof(subclass), subclass, $"Subclasses run from 1 to {Lockdep.MaxSubclasses - 1}.");
            }

            LockCore(subclass, file, line);
        }

        /// <summary>Takes the lock if it is free (<c>spin_trylock</c>).</summary>
        [TryAcquires]
        public bool TryLock([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            int me = Environment.CurrentManagedThreadId;
            int ticket = Volatile.Read(ref words.NowServing);
            if (Volatile.Read(ref words.NextTicket) != ticket || Interlocked.CompareExchange(ref words.NextTicket, ticket + 1, ticket) != ticket)
            {
                return false;
            }

            Volatile.Write(ref words.OwnerThread, me);
            if (Lockdep.Enabled)
            {
                Lockdep.Acquired(this, 0, shared: false, trylock: true, file, line);
            }

            return true;
        }

        /// <summary>Releases the lock (<c>spin_unlock</c>).</summary>
        /// <exception cref="LockStateException">The calling thread does not hold the lock.</exception>
        [Releases]
        public void Unlock([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            var lockdep = Lockdep.Caller(out int me);
            Release(me, lockdep, file, line);
        }

        /// <summary>
        /// Enters an RCU read-side section and takes the lock in it, as <see cref="Pmd.MapLock"/> does with a table's
        /// PTL: with lockdep on, one look-up of the thread's state for both. Returns the calling thread's id.
        /// </summary>
        internal int LockUnderRcu(string file, int line, out Lockdep.ThreadState? lockdep)
        {
            lockdep = Lockdep.Caller(out int me);
            if (lockdep != null)
            {
                Lockdep.BeforeAcquireUnderRcu(lockdep, this, file, line);
            }

            Take(me);
            if (lockdep != null)
            {
                Lockdep.Acquired(lockdep, this, 0, shared: false, trylock: false, file, line);
            }

            return me;
        }

        /// <summary>
        /// Releases the lock and leaves the RCU read-side section <see cref="LockUnderRcu"/> entered, for the thread
        /// <paramref name="me"/> with the lockdep state <see cref="Lockdep.Caller"/> gave (the map's owner check read them).
        /// </summary>
        internal void UnlockUnderRcu(int me, Lockdep.ThreadState? lockdep, string file, int line)
        {
            lockdep = Release(me, lockdep, file, line);
            if (lockdep != null)
            {
                Lockdep.RcuExit(lockdep, file, line);
            }
        }

        /// <summary>The release itself by thread <paramref name="me"/>; returns lockdep's state (null when lockdep is off).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Lockdep.ThreadState? Release(int me, Lockdep.ThreadState? lockdep, string file, int line)
        {
            int owner = Volatile.Read(ref words.OwnerThread);
            if (lockdep != null)
            {
                lockdep = Lockdep.Released(lockdep, this, file, line);
            }

            if (owner != me)
            {
                ThrowNotOwner(me, owner);
            }

            Volatile.Write(ref words.OwnerThread, 0);
            Volatile.Write(ref words.NowServing, words.NowServing + 1);
            return lockdep;
        }

        [StructLayout(LayoutKind.Explicit, Size = 128)]
        private struct Words
        {
            [FieldOffset(64)]
            public int NextTicket;

            [FieldOffset(68)]
            public int NowServing;

            [FieldOffset(72)]
            public int OwnerThread;
        }

        private void LockCore(int subclass, string file, int line)
        {
            var lockdep = Lockdep.Caller(out int me); // one thread-local read for the id and both lockdep calls
            if (lockdep != null)
            {
                Lockdep.BeforeAcquire(lockdep, this, subclass, shared: false, file, line);
            }

            Take(me);
            if (lockdep != null)
            {
                Lockdep.Acquired(lockdep, this, subclass, shared: false, trylock: false, file, line);
            }
        }

        /// <summary>Takes a ticket and waits for it: the lock itself, with lockdep's bookkeeping around it left to the callers.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Take(int me)
        {
            if (Volatile.Read(ref words.OwnerThread) == me)
            {
                ThrowRecursive();
            }

            int ticket = Interlocked.Increment(ref words.NextTicket) - 1;
            if (Volatile.Read(ref words.NowServing) != ticket)
            {
                WaitForTurn(ticket);
            }

            Volatile.Write(ref words.OwnerThread, me);
        }

        private void WaitForTurn(int ticket)
        {
            long started = Lockdep.WaitStarts(); // contended: lock_stat times the wait
            var spinner = new SpinWait();
            do
            {
                // A fair lock hands over in ticket order: with more threads than cores the next holder may be
                // descheduled, so waiters yield their core to it, and never Sleep(1) (a millisecond per hand-off).
                spinner.SpinOnce(sleep1Threshold: -1);
            }
            while (Volatile.Read(ref words.NowServing) != ticket);
            Lockdep.WaitEnded(Class, started);
        }

        // A second spin_lock of a held spinlock spins forever in the kernel; say so instead.
        private void ThrowRecursive() =>
            throw new LockStateException($"Recursive lock of {this}: the calling thread already holds it and would spin forever.");

        private void ThrowNotOwner(int me, int owner) =>
            throw new LockStateException(owner == 0
                ? $"Unlock of {this} which is not locked."
                : $"Unlock of {this} held by thread {owner}, not by the calling thread {me}.");
    }
}
