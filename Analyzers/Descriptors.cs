using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers
{
    /// <summary>
    /// Every rule's descriptor and help link, in one place: one descriptor per rule id (SARIF lists a rule once per
    /// descriptor), with the variable part of a rule's message passed as an argument.
    /// </summary>
    internal static class Descriptors
    {
        /// <summary>
        /// The repository the package declares (RepositoryUrl in Directory.Build.props, stamped into this assembly),
        /// so the help links and the package's metadata cannot point at different places.
        /// </summary>
        public static readonly string RepositoryUrl = typeof(Descriptors).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(attribute => attribute.Key == "RepositoryUrl")?.Value?.TrimEnd('/') ?? "https://github.com/KernelDiscipline/KernelDiscipline";

        public static readonly string HelpLinkBase = RepositoryUrl + "/blob/main/docs/rules/";

        private const string MapCategory = "KernelDiscipline.MapDiscipline";

        private const string LockCategory = "KernelDiscipline.LockDiscipline";

        private const string ErrorCategory = "KernelDiscipline.ErrorDiscipline";

        public static readonly DiagnosticDescriptor KD302UndoOnError = Create(
            "KD302",
            "Undo what the method charged before it returns an error",
            "This error path leaves without undoing '{1}' ({0}, line {2}){3}",
            ErrorCategory,
            "A path that fails must give back what it took: blocks accounted, a folio reference, a page-cache insertion, GUP pins. The caller may not retry, and nobody else knows to undo it (seed 001: shmem_inode_unacct_blocks and delete_from_page_cache on the error paths of shmem_mfill_atomic_pte). Success paths may keep the charge (installed, stored, returned).");

        public static readonly DiagnosticDescriptor KD305SnapshotRevalidation = Create(
            "KD305",
            "Re-validate a lockless snapshot under the lock before writing",
            "'{0}' writes the page table under a lock taken after a lockless snapshot of its PMD, with no re-validation under that lock; check pmd.Same(snapshot) or pte.PmdSame() first and retry (-EAGAIN) when it changed",
            ErrorCategory,
            "pmdp_get_lockless() decides what to do before any lock is held; by the time the lock is taken a collapse, split, migration or table reclaim may have changed the PMD. The decision must be re-checked with pmd_same() under the lock before the table is written (seed 002, UFFDIO_MOVE).");

        public static readonly DiagnosticDescriptor KD303GupFlags = Create(
            "KD303",
            "Match the FOLL flags to the pages array",
            "'{0}' {1}",
            ErrorCategory,
            "FOLL_GET and FOLL_PIN take a reference or a pin on each page returned in the pages array: without the array there is nowhere to return them (a leak), with the array and neither flag the pages come back unreferenced, and GET with PIN is contradictory (seed 004).");

        public static readonly DiagnosticDescriptor KD304PositiveErrno = Create(
            "KD304",
            "Negate errnos",
            "'{0}' {1}; write -{2}",
            ErrorCategory,
            "Errno constants are positive and returned negated (return -Errno.EAGAIN;): callers test ret < 0 and compare with -Errno.X. A positive errno returned reads as success, or as a count of bytes done; compared with a negative errno result, it never matches and the error path it guards never runs.");

        public static readonly DiagnosticDescriptor KD301RecoverableBugOn = Create(
            "KD301",
            "Warn and recover instead of crashing where an error can be returned",
            "'{0}' crashes in a method that can report an error; use 'if (Kernel.WarnOnOnce(…)) return {1};' and recover",
            ErrorCategory,
            "Do not crash the kernel unless it is unavoidable: a BUG_ON a user can reach is a denial of service (seed 001: BUG_ON(page) after a retry failed with -ENOMEM). Where the method can return an error, WARN_ON_ONCE and return it.");

        public static readonly DiagnosticDescriptor KD101MayBeNull = Create(
            "KD101",
            "Check a fallible map or lock for null before using it",
            "The result of '{0}' {1} on a path where it may be null: it fails when the page table was freed, collapsed or replaced; check it and retry or return -EAGAIN",
            MapCategory,
            "A [Fallible] acquire such as Pmd.MapLock (pte_offset_map_lock) returns null when the page table went away under the caller. Every use must be preceded by a null check.");

        public static readonly DiagnosticDescriptor KD102WrongFailure = Create(
            "KD102",
            "Retry a failed map or return -EAGAIN",
            "On the path where '{0}' failed, {1}; a failed map means the page table changed under you: retry or return -EAGAIN",
            MapCategory,
            "A failed pte_offset_map_lock is transient: the caller can retry. Returning -EFAULT, -EEXIST or -ENOMEM, throwing, crashing or returning VM_FAULT_SIGBUS turns a benign race into a user-visible error.");

        public static readonly DiagnosticDescriptor KD103Release = Create(
            "KD103",
            "Release a successful map or lock on every path",
            "'{0}' {1}",
            MapCategory,
            "A successful map holds the page table lock (and the RCU read side): leaving without pte_unmap_unlock deadlocks the next user of the table. After pte_unmap_unlock the table may be freed at any moment: nothing read through the old map is valid, and a second release is a bug.");

        /// <summary>KD103's second argument when a successful map or lock leaks: the release to call.</summary>
        public static string NotReleased(string release) =>
            $"succeeds on a path that leaves the method without releasing it; call {release} on every path out, or hand ownership on";

        public const string UsedAfterRelease = "is used after it was released; the page table may be gone: map it again";

        /// <summary>KD103's second argument when an object is used after the charge it carried was given back.</summary>
        public static string UsedAfterUncharge(string resource, string? undo) =>
            $"is used after its {resource} was given back{(undo is null ? string.Empty : $" ({undo}())")}; the object may be freed already: use it before, or hold a {resource} of your own";

        public static readonly DiagnosticDescriptor KD201LockOrder = Create(
            "KD201",
            "Take locks in the declared order",
            "'{0}' takes {1} while {2} is held (taken at line {3}); the lock order takes {1} before {2}: take {1} first, or drop {2} and take it again after",
            LockCategory,
            "Lock classes nest in one declared order (mm/rmap.c's \"Lock ordering in mm\"); taking them the other way round deadlocks against a thread that follows the order.");

        public static readonly DiagnosticDescriptor KD202SameClassNesting = Create(
            "KD202",
            "Nest two locks of one class only through the ordering helper",
            "'{0}' takes a second {1} while one is held (taken at line {2}); nest two locks of one class only through LockOrder.DoubleLock or LockNested",
            LockCategory,
            "Two threads that take two locks of one class in opposite orders deadlock (AB/BA). double_pt_lock orders them by identity; spin_lock_nested documents why an outer lock rules the inversion out.");

        public static readonly DiagnosticDescriptor KD203SleepInAtomic = Create(
            "KD203",
            "Do not sleep in atomic context",
            "'{0}' {1} while {2} is held (taken at line {3}); {4}",
            LockCategory,
            "Holding a spinning lock (or a live lockless map, an RCU read-side section) makes the context atomic: a sleeping lock or a call that may sleep there can deadlock or corrupt RCU; an await there may resume on another thread, which cannot release the lock.");

        /// <summary>KD203's advice for a sleeping lock: the kernel's try-lock, drop and retry.</summary>
        public static string SleepingLockAdvice(string held) =>
            $"try-lock instead, and when that fails drop {held}, take the sleeping lock and retry";

        /// <summary>KD203's advice for a call that may sleep (an allocation, I/O).</summary>
        public static string SleepingCallAdvice(string held) =>
            $"make the call before taking {held}, or drop {held} around it and take it again after";

        /// <summary>KD203's advice for an await.</summary>
        public static string AwaitAdvice(string held) =>
            $"release {held} before awaiting";

        public static readonly DiagnosticDescriptor KD204LockBalance = Create(
            "KD204",
            "Keep lock acquisitions and releases balanced",
            "'{0}' {1}",
            LockCategory,
            "Every lock a method takes is released once on every path, unless the method is declared to acquire it.");

        /// <summary>KD204 at a second acquisition of a lock this thread holds, by the modes involved.</summary>
        public static string DoubleAcquire(string lockClass, string line, bool heldShared, bool takenShared) => (heldShared, takenShared) switch
        {
            (false, false) => $"takes {lockClass}, which this thread already holds (taken at line {line}): it waits for itself",
            (true, false) => $"takes {lockClass} for write while this thread holds it for read (taken at line {line}): the writer waits for this thread's own read; release the read side first",
            (false, true) => $"takes {lockClass} for read while this thread holds it for write (taken at line {line}): the reader waits for this thread's own write",
            _ => $"takes {lockClass} for read again while this thread holds it for read (taken at line {line}): a writer queued in between blocks the second read, and this thread waits for itself",
        };

        /// <summary>KD204 at a release in the other mode than the lock was taken in.</summary>
        public static string WrongModeRelease(string lockClass, string line, bool heldShared) => heldShared
            ? $"releases {lockClass} as a writer, but it was taken for read at line {line}; release it as a reader (UpRead)"
            : $"releases {lockClass} as a reader, but it was taken for write at line {line}; release it as a writer (UpWrite)";

        /// <summary>KD204 at a release where the joining paths hold the lock in both modes.</summary>
        public static string MixedModes(string lockClass, string readLine, string writeLine) =>
            $"releases {lockClass}, which the paths reaching here hold for read (taken at line {readLine}) on some and for write (taken at line {writeLine}) on others; take it in one mode, or release each mode on its own path";

        public static readonly DiagnosticDescriptor KD205GuardedData = Create(
            "KD205",
            "Hold the lock that guards the data",
            "'{0}' {1}",
            LockCategory,
            "A [GuardedBy] field or property is read with its lock held (for read suffices) and written with it held exclusively; what a [PtGuardedBy] reference refers to, likewise. An access outside the lock races with the threads that take it (Clang's GUARDED_BY, the kernel's __guarded_by).");

        public static readonly DiagnosticDescriptor KD206LockContract = Create(
            "KD206",
            "Call a method only under the locks its contract names",
            "'{0}' {1}",
            LockCategory,
            "A [MustHold] method counts on its callers to hold the locks it names (exclusively, or for read when Shared), and keeps them held; a [MustNotHold] method takes them itself and deadlocks if its caller holds one (Clang's REQUIRES and EXCLUDES, the kernel's __must_hold and __must_not_hold).");

        public static readonly DiagnosticDescriptor KD207Annotation = Create(
            "KD207",
            "Make lock annotations name what the analyses know",
            "'{0}': {1}",
            LockCategory,
            "An annotation that names no lock, names something that is not a lock, uses a lock class declared nowhere, or sits where the compiler ignores it switches a check off without a word: each is reported where it is written.");

        /// <summary>KD205's second argument.</summary>
        public static string GuardedAccess(string what, string member, string lockText, bool pointee, bool somePaths, bool write, bool underShared, bool escapes)
        {
            string target = pointee ? $"what {member} refers to" : member;
            string fix = $"take {lockText}{(write ? " exclusively" : string.Empty)} around it, or declare the method [MustHold(\"{lockText}\"{(write ? string.Empty : ", Shared = true")})]";
            if (escapes)
            {
                return $"returns a reference to {target}, which is guarded by {lockText}: the reference outlives the lock; declare the method [MustHold(\"{lockText}\")] so that its callers hold it";
            }

            if (underShared)
            {
                return $"writes {target} while {lockText} is held only for read; writing needs it held exclusively";
            }

            return $"{what} {target}, which is guarded by {lockText}, without holding it{(somePaths ? " on every path" : string.Empty)}; {fix}";
        }

        /// <summary>KD206's second argument.</summary>
        public static string ContractBroken(string callee, string lockText, string problem) => problem switch
        {
            "exclusive" => $"calls {callee}, which requires {lockText} held exclusively, without holding it",
            "shared" => $"calls {callee}, which requires {lockText} held (for read suffices), without holding it",
            "exclusive-some" => $"calls {callee}, which requires {lockText} held exclusively, where it is held on some paths only",
            "shared-some" => $"calls {callee}, which requires {lockText} held, where it is held on some paths only",
            "only-shared" => $"calls {callee}, which requires {lockText} held exclusively, while it is held only for read",
            _ => problem,
        };

        public static string ContractExcluded(string callee, string lockText, string line, bool somePaths) =>
            $"calls {callee}, which must not be called with {lockText} held (it takes it itself), and {lockText} is held here{(somePaths ? " on some paths" : string.Empty)} (taken at line {line})";

        public static string ContractReleasedAtExit(string function, string lockText) =>
            $"leaves {function} without {lockText}, which its callers hold by contract ([MustHold]); take it again before returning, or declare the method [Releases]";

        public static string DoubleRelease(string line) =>
            $"releases a lock that is not held: it was already released at line {line}";

        public static string HeldAtExit(string lockClass, bool somePaths) =>
            $"takes {lockClass}, which is still held when the method returns{(somePaths ? " on some paths" : string.Empty)}; release it on every path, or declare the method [Acquires]";

        public static string HelpLink(string id) => HelpLinkBase + id + ".md";

        private static DiagnosticDescriptor Create(string id, string title, string message, string category, string description) =>
            new DiagnosticDescriptor(id, title, message, category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
                description: description, helpLinkUri: HelpLink(id));
    }
}
