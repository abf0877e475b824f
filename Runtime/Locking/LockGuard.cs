using System;

namespace KernelDiscipline.Runtime
{
    /// <summary>
    /// A scoped hold of a kernel lock: <c>using (ptl.LockScope()) { … }</c> or <c>using var guard = sem.ReadScope();</c>.
    /// Disposing it releases the lock once; a second dispose is an unbalanced unlock, reported like any other. The
    /// analyzers follow the guard: the lock is held from the acquisition to the dispose, for every KD2xx rule.
    /// </summary>
    public readonly struct LockGuard : IDisposable
    {
        private readonly KernelLock? held;
        private readonly bool shared;

        internal LockGuard(KernelLock held, bool shared)
        {
            this.held = held;
            this.shared = shared;
        }

        /// <summary>The lock this guard holds (null for a default guard, which holds nothing).</summary>
        public KernelLock? Lock => held;

        /// <summary>Releases the lock.</summary>
        [Releases]
        public void Dispose()
        {
            switch (held)
            {
                case null:
                    return;
                case TicketLock ticket:
                    ticket.Unlock();
                    return;
                case KernelMutex mutex:
                    mutex.Unlock();
                    return;
                case RwSemaphore semaphore when shared:
                    semaphore.UpRead();
                    return;
                case RwSemaphore semaphore:
                    semaphore.UpWrite();
                    return;
                default:
                    throw new InvalidOperationException($"{held} cannot be released through a guard.");
            }
        }
    }
}
