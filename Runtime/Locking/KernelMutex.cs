using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace KernelDiscipline.Runtime
{
    /// <summary>
    /// A sleeping mutual-exclusion lock (<c>struct mutex</c>). Not recursive. By default only the owner may unlock;
    /// bit locks such as the folio lock are released by whoever finishes the work, so they turn that check off.
    /// </summary>
    public sealed class KernelMutex : KernelLock
    {
        private readonly object gate = new object();
        private readonly bool ownerUnlocks;

        [GuardedBy(nameof(gate))]
        private int ownerThread;

        [GuardedBy(nameof(gate))]
        private bool locked;

        /// <summary>Creates a mutex of <paramref name="lockClass"/> (which must be a sleeping class).</summary>
        public KernelMutex(LockClass lockClass)
            : this(lockClass, ownerUnlocks: true)
        {
        }

        internal KernelMutex(LockClass lockClass, bool ownerUnlocks)
            : base(lockClass)
        {
            if (lockClass.Kind != LockKind.Sleeping)
            {
                throw new ArgumentException($"Lock class '{lockClass.Name}' spins; a KernelMutex sleeps.", nameof(lockClass));
            }

            this.ownerUnlocks = ownerUnlocks;
        }

        /// <summary>True when held.</summary>
        public bool IsLocked
        {
            [ContextUnsafe("mutex_is_locked: a racy query, stale as soon as it returns")]
            get => Volatile.Read(ref locked);
        }

        /// <summary>True when the calling thread holds it.</summary>
        public bool IsHeldByCurrentThread
        {
            [ContextUnsafe("a racy read, exact for the calling thread: only a thread that takes the mutex writes its own id into ownerThread")]
            get => IsLocked && Volatile.Read(ref ownerThread) == Environment.CurrentManagedThreadId;
        }

        /// <summary>Takes the mutex, sleeping while another thread holds it (<c>mutex_lock</c>).</summary>
        [Acquires]
        public void Lock([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            if (Lockdep.Enabled)
            {
                Lockdep.BeforeAcquire(this, 0, shared: false, file, line);
            }

            int me = Environment.CurrentManagedThreadId;
            lock (gate)
            {
                if (locked && ownerThread == me)
                {
                    throw new LockStateException($"Recursive lock of {this}: the calling thread already holds it and would sleep forever.");
                }

                if (locked)
                {
                    long started = Lockdep.WaitStarts();
                    while (locked)
                    {
                        Monitor.Wait(gate);
                    }

                    Lockdep.WaitEnded(Class, started);
                }

                locked = true;
                ownerThread = me;
            }

            if (Lockdep.Enabled)
            {
                Lockdep.Acquired(this, 0, shared: false, trylock: false, file, line);
            }
        }

        /// <summary>Takes the mutex if it is free (<c>mutex_trylock</c>).</summary>
        [TryAcquires]
        public bool TryLock([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            lock (gate)
            {
                if (locked)
                {
                    return false;
                }

                locked = true;
                ownerThread = Environment.CurrentManagedThreadId;
            }

            if (Lockdep.Enabled)
            {
                Lockdep.Acquired(this, 0, shared: false, trylock: true, file, line);
            }

            return true;
        }

        /// <summary>Takes the mutex until the returned guard is disposed.</summary>
        [Acquires(Target = LockTarget.Scope)]
        public LockGuard LockScope([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            Lock(file, line);
            return new LockGuard(this, shared: false);
        }

        /// <summary>Releases the mutex (<c>mutex_unlock</c>).</summary>
        /// <exception cref="LockStateException">The mutex is not held (or, for an owned mutex, held by another thread).</exception>
        [Releases]
        public void Unlock([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            // A bit lock released by another thread (I/O completion) is not on this thread's lockdep stack.
            if (Lockdep.Enabled && (ownerUnlocks || IsHeldByCurrentThread))
            {
                Lockdep.Released(this, file, line);
            }

            lock (gate)
            {
                if (!locked)
                {
                    throw new LockStateException($"Unlock of {this} which is not locked.");
                }

                if (ownerUnlocks && ownerThread != Environment.CurrentManagedThreadId)
                {
                    throw new LockStateException($"Unlock of {this} held by thread {ownerThread}, not by the calling thread.");
                }

                locked = false;
                ownerThread = 0;
                Monitor.Pulse(gate);
            }
        }
    }
}
