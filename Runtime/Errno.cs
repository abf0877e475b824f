namespace KernelDiscipline.Runtime
{
    /// <summary>Error numbers, positive as in the kernel's headers and returned negated: <c>return -Errno.EAGAIN;</c>.</summary>
    public static class Errno
    {
        /// <summary>Operation not permitted.</summary>
        public const int EPERM = 1;
        /// <summary>No such entry.</summary>
        public const int ENOENT = 2;
        /// <summary>Interrupted.</summary>
        public const int EINTR = 4;
        /// <summary>I/O error.</summary>
        public const int EIO = 5;
        /// <summary>Try again: the state changed under the caller, who can retry.</summary>
        public const int EAGAIN = 11;
        /// <summary>Out of memory.</summary>
        public const int ENOMEM = 12;
        /// <summary>Bad address.</summary>
        public const int EFAULT = 14;
        /// <summary>Busy.</summary>
        public const int EBUSY = 16;
        /// <summary>Already exists.</summary>
        public const int EEXIST = 17;
        /// <summary>Invalid argument.</summary>
        public const int EINVAL = 22;
        /// <summary>No space left.</summary>
        public const int ENOSPC = 28;

        /// <summary>The constant's name for an error number, positive or negated (<c>-11</c> → "EAGAIN"), or null.</summary>
        public static string? Name(int errno) => System.Math.Abs(errno) switch
        {
            EPERM => nameof(EPERM),
            ENOENT => nameof(ENOENT),
            EINTR => nameof(EINTR),
            EIO => nameof(EIO),
            EAGAIN => nameof(EAGAIN),
            ENOMEM => nameof(ENOMEM),
            EFAULT => nameof(EFAULT),
            EBUSY => nameof(EBUSY),
            EEXIST => nameof(EEXIST),
            EINVAL => nameof(EINVAL),
            ENOSPC => nameof(ENOSPC),
            _ => null,
        };
    }

    /// <summary>Page-fault results (<c>vm_fault_t</c>); 0 means handled or "just refault".</summary>
    [System.Flags]
    public enum VmFault
    {
        /// <summary>Handled, or nothing to do: the access is retried by refaulting.</summary>
        None = 0,
        /// <summary>Out of memory.</summary>
        Oom = 0x000001,
        /// <summary>Bus error: the access cannot be satisfied.</summary>
        SigBus = 0x000002,
        /// <summary>The fault did I/O.</summary>
        Major = 0x000004,
        /// <summary>Poisoned page.</summary>
        HwPoison = 0x000010,
        /// <summary>Segmentation fault: no mapping.</summary>
        SigSegv = 0x000040,
        /// <summary>The handler installed the PTE itself (or found it changed): nothing more to do.</summary>
        NoPage = 0x000100,
        /// <summary>The handler returns with the page locked.</summary>
        Locked = 0x000200,
        /// <summary>Locks were dropped; the fault must be retried.</summary>
        Retry = 0x000400,
        /// <summary>Fall back to small pages.</summary>
        Fallback = 0x000800,
        /// <summary>Done with COW.</summary>
        DoneCow = 0x001000,
        /// <summary>Completed without locks held.</summary>
        Completed = 0x004000,
    }
}
