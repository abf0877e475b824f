using System;

namespace KernelDiscipline.Runtime
{
    /// <summary>VMA flags (<c>vm_flags</c>).</summary>
    [Flags]
    public enum VmFlags
    {
        /// <summary>No access.</summary>
        None = 0,
        /// <summary>Readable.</summary>
        Read = 0x1,
        /// <summary>Writable.</summary>
        Write = 0x2,
        /// <summary>Executable.</summary>
        Exec = 0x4,
        /// <summary>Shared mapping.</summary>
        Shared = 0x8,
        /// <summary>Page frames mapped by a driver (<c>VM_PFNMAP</c>): special PTEs, no folios.</summary>
        PfnMap = 0x400,
        /// <summary>Huge pages allowed (<c>VM_HUGEPAGE</c>).</summary>
        HugePage = 0x20000,
    }

    /// <summary>An anon_vma: the reverse-map root of anonymous pages, with its rw semaphore.</summary>
    public sealed class AnonVma
    {
        /// <summary>The anon_vma rw semaphore.</summary>
        [LockClass(LockClass.AnonVmaRwsemName)]
        public RwSemaphore Rwsem { get; } = new RwSemaphore(LockClass.Get(LockClass.AnonVmaRwsemName));
    }

    /// <summary>A virtual memory area (<c>vm_area_struct</c>): [Start, End) of one address space.</summary>
    public sealed class Vma
    {
        internal Vma(MmStruct mm, ulong start, ulong end, VmFlags flags, ShmemInode? file = null, long pgoff = 0)
        {
            File = file;
            PgOff = pgoff;
            Mm = mm;
            Start = start;
            End = end;
            Flags = flags;
            AnonVma = (flags & VmFlags.Shared) == 0 ? new AnonVma() : null;
        }

        /// <summary>The address space.</summary>
        public MmStruct Mm { get; }

        /// <summary>First address.</summary>
        public ulong Start { get; }

        /// <summary>One past the last address.</summary>
        public ulong End { get; }

        /// <summary>Access flags.</summary>
        public VmFlags Flags { get; }

        /// <summary>The file a shared mapping maps (a tmpfs inode), or null for anonymous memory.</summary>
        public ShmemInode? File { get; }

        /// <summary>The file page that <see cref="Start"/> maps.</summary>
        public long PgOff { get; }

        /// <summary>The file page index that <paramref name="address"/> maps (<c>linear_page_index</c>).</summary>
        public long PageIndex(ulong address) => PgOff + (long)((address - Start) >> PageGeometry.PageShift);

        /// <summary>The anon_vma of a private mapping.</summary>
        public AnonVma? AnonVma { get; }

        /// <summary>The per-VMA lock.</summary>
        [LockClass(LockClass.VmaLockName)]
        public RwSemaphore VmaLock { get; } = new RwSemaphore(LockClass.Get(LockClass.VmaLockName));

        /// <summary>Whether <paramref name="address"/> falls in the VMA.</summary>
        public bool Contains(ulong address) => address >= Start && address < End;

        /// <summary>Whether writes are allowed.</summary>
        public bool IsWritable => (Flags & VmFlags.Write) != 0;

        /// <inheritdoc />
        public override string ToString() => $"[0x{Start:x}, 0x{End:x}) {Flags}";
    }
}
