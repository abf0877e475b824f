using System;

namespace KernelDiscipline.Runtime
{
    /// <summary>A lock was used against its state: unlock of a lock not held, recursive acquisition of a non-recursive lock.</summary>
    public sealed class LockStateException : InvalidOperationException
    {
        /// <summary>Creates the exception.</summary>
        public LockStateException(string message) : base(message)
        {
        }
    }

    /// <summary>A page table, map or folio was used against its state: after release or free, or written without its lock.</summary>
    public sealed class MmStateException : InvalidOperationException
    {
        /// <summary>Creates the exception.</summary>
        public MmStateException(string message) : base(message)
        {
        }
    }

    /// <summary>A <see cref="Kernel.BugOn"/> assertion failed: the kernel would oops here.</summary>
    public sealed class KernelBugException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public KernelBugException(string message) : base(message)
        {
        }
    }

    /// <summary>Lockdep found a locking problem; <see cref="Report"/> holds the kernel-style report.</summary>
    public sealed class LockdepException : Exception
    {
        /// <summary>Creates the exception for <paramref name="report"/>.</summary>
        public LockdepException(LockdepReport report) : base(report?.Text) => Report = report!;

        /// <summary>The report.</summary>
        public LockdepReport Report { get; }
    }
}
