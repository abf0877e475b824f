using System;
using System.Collections.Generic;
using System.Threading;

namespace KernelDiscipline.Runtime
{
    /// <summary>What a range is registered for (<c>UFFDIO_REGISTER_MODE_*</c>).</summary>
    [Flags]
    public enum UffdRegisterMode
    {
        /// <summary>Faults on missing pages are the handler's: COPY, ZEROPAGE and MOVE fill them.</summary>
        Missing = 1,
    }

    /// <summary>Modes of <see cref="Userfaultfd.Move"/> (<c>UFFDIO_MOVE_MODE_*</c>).</summary>
    [Flags]
    public enum UffdMoveMode
    {
        /// <summary>Plain move: a hole in the source is -ENOENT.</summary>
        None = 0,

        /// <summary>Holes in the source are skipped (<c>UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES</c>).</summary>
        AllowSourceHoles = 1,
    }

    /// <summary>Why a userfaultfd operation went round again: each retry of the kernel's is here for a race.</summary>
    public enum UffdRetry
    {
        /// <summary>The PTE map failed (-EAGAIN from the install or the move): the step was tried again.</summary>
        MapFailed,

        /// <summary>The source could not be read without faulting (-ENOENT): copied with faults allowed, then retried.</summary>
        SourceFaulted,

        /// <summary>A PMD or PTE snapshot changed before the locks were taken (<c>pmd_same</c>/<c>pte_same</c> failed).</summary>
        ChangedUnderLock,

        /// <summary>The source folio was locked by someone else: the maps were dropped, the lock slept on, the step retried.</summary>
        FolioBusy,

        /// <summary>The source anon_vma was busy: the maps were dropped, the rwsem slept on, the step retried.</summary>
        AnonVmaBusy,

        /// <summary>A source PMD migration entry was waited for.</summary>
        MigrationWait,

        /// <summary>A huge source PMD (or a PTE-mapped large folio) was split so that one page of it could move.</summary>
        HugeSplit,

        /// <summary>A huge source PMD was moved whole (<c>move_pages_huge_pmd</c>): not a retry, counted for the picture.</summary>
        HugeMoved,
    }

    /// <summary>Retries of a userfaultfd context, by cause.</summary>
    public sealed class UffdStats
    {
        private readonly long[] counts = new long[Enum.GetValues(typeof(UffdRetry)).Length];

        /// <summary>How many times <paramref name="cause"/> happened.</summary>
        public long this[UffdRetry cause] => Volatile.Read(ref counts[(int)cause]);

        internal void Note(UffdRetry cause) => Interlocked.Increment(ref counts[(int)cause]);

        /// <inheritdoc />
        public override string ToString()
        {
            var parts = new List<string>();
            foreach (UffdRetry cause in Enum.GetValues(typeof(UffdRetry)))
            {
                parts.Add($"{cause} {this[cause]}");
            }

            return string.Join(", ", parts);
        }
    }

    /// <summary>
    /// A userfaultfd context over one address space (mm/userfaultfd.c): ranges registered for missing faults, and
    /// the operations that fill them — <see cref="Copy"/> (<c>UFFDIO_COPY</c>), <see cref="ZeroPage"/>
    /// (<c>UFFDIO_ZEROPAGE</c>) and <see cref="Move"/> (<c>UFFDIO_MOVE</c>). Each returns the bytes done, or a negative
    /// errno when nothing was done (partial progress is reported as progress, as <c>uffdio_copy.copy</c> does).
    /// Written in the discipline the analyzers enforce: every map checked, a failed map retried, the mm lock order.
    /// </summary>
    public sealed partial class Userfaultfd
    {
        /// <summary>Retries of one page before -EAGAIN goes back to the caller (user space retries then).</summary>
        private const int MaxRetriesPerPage = 10_000;

        private readonly object registrations = new object();

        [PtGuardedBy(nameof(registrations))]
        private readonly List<(ulong Start, ulong End, UffdRegisterMode Mode)> ranges = new List<(ulong, ulong, UffdRegisterMode)>();

        /// <summary>A context over <paramref name="mm"/>.</summary>
        public Userfaultfd(MmStruct mm) => Mm = mm ?? throw new ArgumentNullException(nameof(mm));

        /// <summary>The address space.</summary>
        public MmStruct Mm { get; }

        /// <summary>Retries by cause, since the context was made.</summary>
        public UffdStats Stats { get; } = new UffdStats();

        /// <summary>
        /// Registers [<paramref name="start"/>, +<paramref name="length"/>) (<c>UFFDIO_REGISTER</c>): 0, -EINVAL for an
        /// unaligned or empty range, -ENOMEM when no VMA covers all of it, -EBUSY when it overlaps a registered range.
        /// </summary>
        [ReturnsErrno]
        public int Register(ulong start, ulong length, UffdRegisterMode mode = UffdRegisterMode.Missing)
        {
            if (!ValidRange(start, length) || mode != UffdRegisterMode.Missing)
            {
                return -Errno.EINVAL;
            }

            Mm.MmapLock.DownRead();
            bool covered = Covered(start, length);
            Mm.MmapLock.UpRead();
            if (!covered)
            {
                return -Errno.ENOMEM;
            }

            lock (registrations)
            {
                foreach (var range in ranges)
                {
                    if (start < range.End && range.Start < start + length)
                    {
                        return -Errno.EBUSY;
                    }
                }

                ranges.Add((start, start + length, mode));
            }

            return 0;
        }

        /// <summary>Unregisters exactly a registered range: 0, or -EINVAL when it is not one.</summary>
        [ReturnsErrno]
        public int Unregister(ulong start, ulong length)
        {
            lock (registrations)
            {
                int index = ranges.FindIndex(r => r.Start == start && r.End == start + length);
                if (index < 0)
                {
                    return -Errno.EINVAL;
                }

                ranges.RemoveAt(index);
                return 0;
            }
        }

        /// <summary>Whether [start, start + length) lies in one registered range.</summary>
        public bool IsRegistered(ulong start, ulong length)
        {
            lock (registrations)
            {
                return ranges.Exists(r => start >= r.Start && start + length <= r.End);
            }
        }

        private static bool ValidRange(ulong start, ulong length) =>
            length > 0 && PageGeometry.IsAligned(start, PageGeometry.PageSize) && PageGeometry.IsAligned(length, PageGeometry.PageSize) &&
            start < PageGeometry.TaskSize && length <= PageGeometry.TaskSize - start;

        /// <summary>Whether VMAs cover the range without a gap. The caller holds the mmap lock.</summary>
        [MustHold("Mm.MmapLock", Shared = true)]
        private bool Covered(ulong start, ulong length)
        {
            for (ulong at = start; at < start + length;)
            {
                var vma = Mm.FindVma(at);
                if (vma is null)
                {
                    return false;
                }

                at = vma.End;
            }

            return true;
        }

        /// <summary>The one anonymous, private VMA that holds all of the range, or null. The caller holds the mmap lock.</summary>
        [MustHold("Mm.MmapLock", Shared = true)]
        private Vma? AnonymousVma(ulong start, ulong length)
        {
            var vma = Mm.FindVma(start);
            return vma != null && vma.AnonVma != null && (vma.Flags & VmFlags.Shared) == 0 && start + length <= vma.End ? vma : null;
        }
    }
}
