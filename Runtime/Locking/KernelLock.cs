using System.Threading;

namespace KernelDiscipline.Runtime
{
    /// <summary>Base of every Runtime lock: a lock instance with a <see cref="LockClass"/> and a stable identity.</summary>
    public abstract class KernelLock
    {
        private static long lastInstanceId;

        /// <summary>Creates a lock of <paramref name="lockClass"/>.</summary>
        protected KernelLock(LockClass lockClass)
            : this(lockClass, recursive: false)
        {
        }

        private protected KernelLock(LockClass lockClass, bool recursive, bool hasReadSide = false)
        {
            Class = lockClass ?? throw new System.ArgumentNullException(nameof(lockClass));
            InstanceId = Interlocked.Increment(ref lastInstanceId);
            IsRecursive = recursive;
            HasReadSide = hasReadSide;
        }

        /// <summary>The class this instance belongs to.</summary>
        public LockClass Class { get; }

        /// <summary>A process-unique identity; ordering helpers take locks of one class in this order.</summary>
        public long InstanceId { get; }

        /// <summary>Pseudo locks that may nest in themselves (the RCU read side); a field, read on lockdep's warm path.</summary>
        internal bool IsRecursive { get; }

        /// <summary>Locks taken for read or for write (rw semaphores): lockdep's reports then say which mode each site was.</summary>
        internal bool HasReadSide { get; }

        /// <inheritdoc />
        public override string ToString() => $"{Class.Name}#{InstanceId}";
    }
}
