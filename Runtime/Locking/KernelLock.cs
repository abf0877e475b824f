using System.Threading;

namespace KernelDiscipline.Runtime
{
    /// <summary>Base of every Runtime lock: a lock instance with a <see cref="LockClass"/> and a stable identity.</summary>
    public abstract class KernelLock
    {
        private static long lastInstanceId;

        /// <summary>Creates a lock of <paramref name="lockClass"/>.</summary>
        protected KernelLock(LockClass lockClass)
        {
            Class = lockClass ?? throw new System.ArgumentNullException(nameof(lockClass));
            InstanceId = Interlocked.Increment(ref lastInstanceId);
        }

        /// <summary>The class this instance belongs to.</summary>
        public LockClass Class { get; }

        /// <summary>A process-unique identity; ordering helpers take locks of one class in this order.</summary>
        public long InstanceId { get; }

        /// <summary>Pseudo locks that may nest in themselves (the RCU read side) override this.</summary>
        internal virtual bool IsRecursive => false;

        /// <inheritdoc />
        public override string ToString() => $"{Class.Name}#{InstanceId}";
    }
}
