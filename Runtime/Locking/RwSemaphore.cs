using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace KernelDiscipline.Runtime
{
    /// <summary>
    /// A sleeping read-write semaphore (<c>struct rw_semaphore</c>): many readers or one writer; waiting writers block
    /// new readers so that writers are not starved. <see cref="Lock"/>/<see cref="Unlock"/> are the write side.
    /// </summary>
    public sealed class RwSemaphore : KernelLock
    {
        private readonly object gate = new object();

        [GuardedBy(nameof(gate))]
        private int readers;

        [GuardedBy(nameof(gate))]
        private int writerThread;

        [GuardedBy(nameof(gate))]
        private int writersWaiting;

        /// <summary>Creates a semaphore of <paramref name="lockClass"/> (which must be a sleeping class).</summary>
        public RwSemaphore(LockClass lockClass)
            : base(lockClass, recursive: false, hasReadSide: true)
        {
            if (lockClass.Kind != LockKind.Sleeping)
            {
                throw new ArgumentException($"Lock class '{lockClass.Name}' spins; an RwSemaphore sleeps.", nameof(lockClass));
            }
        }

        /// <summary>True when a writer holds the semaphore.</summary>
        public bool IsWriteLocked
        {
            [ContextUnsafe("rwsem_is_locked: a racy query, stale as soon as it returns")]
            get => Volatile.Read(ref writerThread) != 0;
        }

        /// <summary>True when the calling thread holds the write side.</summary>
        public bool IsWriteHeldByCurrentThread
        {
            [ContextUnsafe("a racy read, exact for the calling thread: only a thread that takes the write side writes its own id into writerThread")]
            get => Volatile.Read(ref writerThread) == Environment.CurrentManagedThreadId;
        }

        /// <summary>The number of readers inside.</summary>
        public int ReaderCount
        {
            [ContextUnsafe("a racy query, stale as soon as it returns")]
            get => Volatile.Read(ref readers);
        }

        /// <summary>True when held for read or write.</summary>
        public bool IsLocked => IsWriteLocked || ReaderCount > 0;

        /// <summary>Takes the read side (<c>down_read</c>).</summary>
        [Acquires(Shared = true)]
        public void DownRead([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            if (Lockdep.Enabled)
            {
                Lockdep.BeforeAcquire(this, 0, shared: true, file, line);
            }

            lock (gate)
            {
                RejectOwnWrite("down_read");
                if (writerThread != 0 || writersWaiting > 0)
                {
                    long started = Lockdep.WaitStarts();
                    while (writerThread != 0 || writersWaiting > 0)
                    {
                        Monitor.Wait(gate);
                    }

                    Lockdep.WaitEnded(Class, started);
                }

                readers++;
            }

            if (Lockdep.Enabled)
            {
                Lockdep.Acquired(this, 0, shared: true, trylock: false, file, line);
            }
        }

        /// <summary>Takes the read side if no writer holds or waits (<c>down_read_trylock</c>).</summary>
        [TryAcquires(Shared = true)]
        public bool TryDownRead([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            lock (gate)
            {
                if (writerThread != 0 || writersWaiting > 0)
                {
                    return false;
                }

                readers++;
            }

            if (Lockdep.Enabled)
            {
                Lockdep.Acquired(this, 0, shared: true, trylock: true, file, line);
            }

            return true;
        }

        /// <summary>Takes the semaphore for read until the returned guard is disposed.</summary>
        [Acquires(Target = LockTarget.Scope, Shared = true)]
        public LockGuard ReadScope([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            DownRead(file, line);
            return new LockGuard(this, shared: true);
        }

        /// <summary>Takes the semaphore for write until the returned guard is disposed.</summary>
        [Acquires(Target = LockTarget.Scope)]
        public LockGuard WriteScope([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            DownWrite(file, line);
            return new LockGuard(this, shared: false);
        }

        /// <summary>Releases the read side (<c>up_read</c>).</summary>
        /// <exception cref="LockStateException">No reader holds the semaphore.</exception>
        [Releases(Shared = true)]
        public void UpRead([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            if (Lockdep.Enabled)
            {
                Lockdep.Released(this, shared: true, file, line);
            }

            lock (gate)
            {
                if (readers == 0)
                {
                    throw new LockStateException($"up_read of {this} which has no readers.");
                }

                if (--readers == 0)
                {
                    Monitor.PulseAll(gate);
                }
            }
        }

        /// <summary>Takes the write side (<c>down_write</c>).</summary>
        [Acquires]
        public void DownWrite([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            if (Lockdep.Enabled)
            {
                Lockdep.BeforeAcquire(this, 0, shared: false, file, line);

                // Reported above; with a sink that collects reports the call would go on and wait for its own read forever.
                if (Lockdep.IsHeld(this, shared: true))
                {
                    throw new LockStateException($"down_write of {this} by a thread that holds it for read: this deadlocks.");
                }
            }

            lock (gate)
            {
                RejectOwnWrite("down_write");
                writersWaiting++;
                try
                {
                    if (writerThread != 0 || readers > 0)
                    {
                        long started = Lockdep.WaitStarts();
                        while (writerThread != 0 || readers > 0)
                        {
                            Monitor.Wait(gate);
                        }

                        Lockdep.WaitEnded(Class, started);
                    }
                }
                finally
                {
                    writersWaiting--;
                }

                writerThread = Environment.CurrentManagedThreadId;
            }

            if (Lockdep.Enabled)
            {
                Lockdep.Acquired(this, 0, shared: false, trylock: false, file, line);
            }
        }

        /// <summary>Takes the write side if it is free (<c>down_write_trylock</c>).</summary>
        [TryAcquires]
        public bool TryDownWrite([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            lock (gate)
            {
                if (writerThread != 0 || readers > 0)
                {
                    return false;
                }

                writerThread = Environment.CurrentManagedThreadId;
            }

            if (Lockdep.Enabled)
            {
                Lockdep.Acquired(this, 0, shared: false, trylock: true, file, line);
            }

            return true;
        }

        /// <summary>Releases the write side (<c>up_write</c>).</summary>
        /// <exception cref="LockStateException">The calling thread is not the writer.</exception>
        [Releases]
        public void UpWrite([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            if (Lockdep.Enabled)
            {
                Lockdep.Released(this, shared: false, file, line);
            }

            lock (gate)
            {
                if (writerThread != Environment.CurrentManagedThreadId)
                {
                    throw new LockStateException(writerThread == 0
                        ? $"up_write of {this} which is not write-locked."
                        : $"up_write of {this} write-locked by thread {writerThread}, not by the calling thread.");
                }

                writerThread = 0;
                Monitor.PulseAll(gate);
            }
        }

        /// <summary>The write side under its generic name: <see cref="DownWrite"/>.</summary>
        [Acquires]
        public void Lock([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => DownWrite(file, line);

        /// <summary>The write side under its generic name: <see cref="TryDownWrite"/>.</summary>
        [TryAcquires]
        public bool TryLock([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => TryDownWrite(file, line);

        /// <summary>The write side under its generic name: <see cref="UpWrite"/>.</summary>
        [Releases]
        public void Unlock([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => UpWrite(file, line);

        [MustHold(nameof(gate))]
        private void RejectOwnWrite(string operation)
        {
            if (writerThread == Environment.CurrentManagedThreadId)
            {
                throw new LockStateException($"{operation} of {this} by the thread that holds it for write: this deadlocks.");
            }
        }
    }
}
