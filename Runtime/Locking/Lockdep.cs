using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;

namespace KernelDiscipline.Runtime
{
    /// <summary>
    /// The runtime lock validator, after the kernel's lockdep: per-thread held-lock stacks, a dependency graph of lock
    /// classes, cycle detection with each new chain validated once (by hash), the declared class order, sleeping in
    /// atomic context, recursive locking (an rw semaphore's read side included), unbalanced unlocks and releases in the
    /// other mode than the lock is held in. Off by default (each lock operation pays one branch);
    /// on through <see cref="Enable"/> or the environment variable <c>KD_LOCKDEP=1</c>. Enable it before locks are taken.
    /// </summary>
    public static partial class Lockdep
    {
        /// <summary>Subclasses per class available to nesting annotations (the kernel's MAX_LOCKDEP_SUBCLASSES).</summary>
        public const int MaxSubclasses = 8;

        private static readonly object GraphGate = new object();
        /// <summary>Each validated chain once, by hash, with its class keys outer to inner (<c>/proc/lockdep_chains</c>).</summary>
        private static readonly ConcurrentDictionary<ulong, int[]> ValidatedChains = new ConcurrentDictionary<ulong, int[]>();

        /// <summary>Every thread's acquisition counts per class key: each thread counts in its own array, a snapshot sums them.</summary>
        /// <remarks>The list is the gate's; the arrays in it are written by their threads alone, and read racily by snapshots.</remarks>
        [PtGuardedBy(nameof(GraphGate))]
        private static readonly List<long[]> AcquisitionCounters = new List<long[]>();

        private static volatile bool statistics;

        [PtGuardedBy(nameof(GraphGate))]
        private static readonly Dictionary<int, List<Dependency>> Dependencies = new Dictionary<int, List<Dependency>>();

        [PtGuardedBy(nameof(GraphGate))]
        private static readonly HashSet<string> ReportedSignatures = new HashSet<string>(StringComparer.Ordinal);
        private static volatile bool enabled = IsSetInEnvironment();
        private static Action<LockdepReport>? sink;

        /// <summary>This thread's lockdep state: one thread-local lookup per lock operation.</summary>
        [ThreadStatic]
        private static ThreadState? state;

        /// <summary>Bumped by <see cref="Reset"/>, so that no thread trusts a chain validated against a forgotten graph.</summary>
        private static volatile int epoch = 1;

        // Inlined into every lock operation; the first operation on a thread makes its state out of line.
        private static ThreadState Current
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => state ?? NewState();
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static ThreadState NewState() => state = new ThreadState();

        /// <summary>
        /// The calling thread's id and, with lockdep on, its state: one thread-local read either way (the state knows its
        /// thread's id, and a thread-local read costs what the id costs). Null when lockdep is off: one decision per lock
        /// operation, so that a lock taken with lockdep off is never half-recorded.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static ThreadState? Caller(out int threadId)
        {
            if (enabled)
            {
                var current = Current;
                threadId = current.ThreadId;
                return current;
            }

            threadId = Environment.CurrentManagedThreadId;
            return null;
        }

        /// <summary>True when validation is on.</summary>
        public static bool Enabled => enabled;

        /// <summary>
        /// Turns validation on. Reports go to <paramref name="reportSink"/>; without one, the offending lock operation
        /// throws <see cref="LockdepException"/> before it blocks, so an inversion is reported instead of deadlocking.
        /// </summary>
        public static void Enable(Action<LockdepReport>? reportSink = null)
        {
            Volatile.Write(ref sink, reportSink);
            enabled = true;
        }

        /// <summary>Turns validation off.</summary>
        public static void Disable() => enabled = false;

        /// <summary>Forgets the dependency graph, the validated chains, what was reported and this thread's stack (for tests).</summary>
        public static void Reset()
        {
            lock (GraphGate)
            {
                Dependencies.Clear();
                ValidatedChains.Clear();
                ReportedSignatures.Clear();
                AcquisitionCounters.ForEach(counts => Array.Clear(counts, 0, counts.Length));
            }

            foreach (var lockClass in LockClass.All)
            {
                lockClass.FirstAcquisition = null;
                lockClass.Statistics = null;
            }

            var current = Current;
            current.Held.Clear();
            current.RcuDepth = 0;
            epoch++;
        }

        /// <summary>How many locks the calling thread holds, as lockdep has seen them.</summary>
        public static int HeldCount => state?.Held.Count ?? 0;

        /// <summary>How many distinct lock chains have been validated (each is validated once).</summary>
        internal static int ValidatedChainCount => ValidatedChains.Count;

        /// <summary>Whether the calling thread holds <paramref name="lockInstance"/> (<c>lockdep_is_held</c>).</summary>
        public static bool IsHeld(KernelLock lockInstance) => FindHeld(lockInstance) >= 0;

        /// <summary>
        /// Whether the calling thread holds <paramref name="lockInstance"/> in the given mode: for read when
        /// <paramref name="shared"/>, else for write (<c>lockdep_is_held_type</c>).
        /// </summary>
        public static bool IsHeld(KernelLock lockInstance, bool shared)
        {
            var held = state?.Held;
            return held != null && FindHeld(held, lockInstance, shared) >= 0;
        }

        /// <summary>Whether the calling thread holds a spinning lock or a live lockless map.</summary>
        public static bool InAtomicContext
        {
            get
            {
                var current = state;
                if (current is null)
                {
                    return false;
                }

                if (current.RcuDepth > 0)
                {
                    return true;
                }

                var held = current.Held;
                for (int i = 0; i < held.Count; i++)
                {
                    var entry = held[i];
                    if (entry.Lock.Class.Kind == LockKind.Spinning)
                    {
                        return true;
                    }
                }

                return false;
            }
        }

        /// <summary>Whether the dependency graph has an edge "<paramref name="outer"/> was held while <paramref name="inner"/> was taken".</summary>
        public static bool HasDependency(LockClass outer, LockClass inner)
        {
            lock (GraphGate)
            {
                return Dependencies.TryGetValue(KeyOf(outer, 0), out var edges) && edges.Exists(e => e.To == KeyOf(inner, 0));
            }
        }

        /// <summary>Validates a blocking acquisition before the caller waits for the lock.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static ThreadState? BeforeAcquire(KernelLock lockInstance, int subclass, bool shared, string file, int line) =>
            BeforeAcquire(state, lockInstance, subclass, shared, file, line);

        /// <summary>
        /// Enters an RCU read-side section and validates the lock taken first inside it (a map's PTL): one look-up of
        /// the thread's state for both, which <see cref="Acquired(ThreadState?, KernelLock, int, bool, bool, string, int)"/> takes on.
        /// </summary>
        internal static void BeforeAcquireUnderRcu(ThreadState current, KernelLock lockInstance, string file, int line)
        {
            RcuEnter(current, file, line);
            BeforeAcquire(current, lockInstance, 0, shared: false, file, line);
        }

        /// <summary>Validates a blocking acquisition with the thread's state in hand (see <see cref="Caller"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static ThreadState? BeforeAcquire(ThreadState? current, KernelLock lockInstance, int subclass, bool shared, string file, int line)
        {
            // The warm path: nothing held, and not in an RCU section or in one where this class alone was validated
            // (a map's PTL); then the chain this thread validated last. Returns the thread's state so that Acquired
            // need not look it up again. The mode only travels to the slow path: it names the sites of a report.
            if (current is null || (current.Held.Count == 0 &&
                (current.RcuDepth == 0 || (subclass == 0 && lockInstance.Class.ValidatedAloneUnderRcu == epoch))))
            {
                return current;
            }

            BeforeAcquireSlow(current, lockInstance, subclass, shared, file, line);
            return current;
        }

        /// <summary>Enters an RCU read-side section (a live lockless map); returns the thread's state.</summary>
        internal static ThreadState RcuEnter(string file, int line) => RcuEnter(Current, file, line);

        /// <summary><see cref="RcuEnter(string, int)"/> with the thread's state already in hand.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static ThreadState RcuEnter(ThreadState current, string file, int line)
        {
            if (current.RcuDepth++ == 0)
            {
                // The site is built only for a report (looking the class up costs a dictionary probe); the same file
                // again is not written again (a reference store pays a write barrier).
                if (!ReferenceEquals(current.RcuFile, file))
                {
                    current.RcuFile = file;
                }

                current.RcuLine = line;
            }

            return current;
        }

        /// <summary>Leaves an RCU read-side section; leaving one never entered is an unbalanced unlock.</summary>
        internal static void RcuExit(string file, int line) => RcuExit(Current, file, line);

        /// <summary><see cref="RcuExit(string, int)"/> with the thread's state already in hand.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static void RcuExit(ThreadState current, string file, int line)
        {
            if (current.RcuDepth > 0)
            {
                current.RcuDepth--;
                return;
            }

            RcuExitNotEntered(current, file, line);
        }

        // Out of line: an unbalanced RCU unlock is a report, and its site would cost every exit a frame slot.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void RcuExitNotEntered(ThreadState current, string file, int line)
        {
            var held = current.Held;
            var site = new LockSite(LockClass.RcuRead, 0, file, line, Environment.CurrentManagedThreadId);
            Report(LockdepReportKind.UnlockNotHeld, site, null, Array.Empty<LockSite>(), held);
        }

        private static void BeforeAcquireSlow(ThreadState current, KernelLock lockInstance, int subclass, bool shared, string file, int line)
        {
            var held = current.Held;
            int same = held.Count == 0 ? -1 : FindHeld(held, lockInstance);
            if (same >= 0)
            {
                // In any pair of modes: an rw semaphore's read side is not recursive (a writer waiting between two
                // down_reads blocks the second), as the kernel's lockdep treats rw_semaphore (read=1, not 2).
                var again = new LockSite(lockInstance.Class, subclass, file, line, Environment.CurrentManagedThreadId, shared, lockInstance.HasReadSide);
                Report(LockdepReportKind.RecursiveLocking, again, held[same].Site, Array.Empty<LockSite>(), held);
                return;
            }

            ulong chain = ChainHash(held, lockInstance.Class, subclass, current.RcuDepth);
            if ((chain == current.LastValidatedChain && current.LastEpoch == epoch) || ValidatedChains.ContainsKey(chain))
            {
                current.LastValidatedChain = chain;
                current.LastEpoch = epoch;
                NoteAloneUnderRcu(current, lockInstance, subclass);
                return;
            }

            var site = new LockSite(lockInstance.Class, subclass, file, line, Environment.CurrentManagedThreadId, shared, lockInstance.HasReadSide);
            if (ValidateChain(held, site))
            {
                var keys = new int[held.Count + 1];
                for (int i = 0; i < held.Count; i++)
                {
                    keys[i] = KeyOf(held[i].Site.Class, held[i].Site.Subclass);
                }

                keys[held.Count] = KeyOf(site.Class, site.Subclass);
                ValidatedChains.TryAdd(chain, keys);
                current.LastValidatedChain = chain;
                current.LastEpoch = epoch;
                NoteAloneUnderRcu(current, lockInstance, subclass);
            }
        }

        private static void NoteAloneUnderRcu(ThreadState current, KernelLock lockInstance, int subclass)
        {
            if (current.Held.Count == 0 && current.RcuDepth > 0 && subclass == 0)
            {
                lockInstance.Class.ValidatedAloneUnderRcu = epoch;
            }
        }

        /// <summary>Records an acquisition that succeeded (blocking or trylock).</summary>
        internal static void Acquired(KernelLock lockInstance, int subclass, bool shared, bool trylock, string file, int line) =>
            Acquired(null, lockInstance, subclass, shared, trylock, file, line);

        /// <summary>Records an acquisition with the state <see cref="BeforeAcquire(KernelLock, int, bool, string, int)"/> returned (null: look it up).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static void Acquired(ThreadState? current, KernelLock lockInstance, int subclass, bool shared, bool trylock, string file, int line)
        {
            // Held entries are the calling thread's by construction: the site's thread is filled in only in reports.
            var lockClass = lockInstance.Class;
            current ??= Current;
            current.Held.Push(lockInstance, subclass, file, line, shared, trylock, statistics ? Stopwatch.GetTimestamp() : 0);
            int key = KeyOf(lockClass, subclass);
            var counts = current.Acquisitions;
            if ((uint)key < (uint)counts.Length)
            {
                counts[key]++;
            }
            else
            {
                GrowCounters(current, key)[key]++;
            }

            if (lockClass.FirstAcquisition is null)
            {
                NoteFirstAcquisition(lockInstance, subclass, shared, file, line);
            }
        }

        // Out of line: a class's first acquisition happens once, and its site would cost every acquisition a frame slot.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void NoteFirstAcquisition(KernelLock lockInstance, int subclass, bool shared, string file, int line)
        {
            var lockClass = lockInstance.Class;
            var site = new LockSite(lockClass, subclass, file, line, Environment.CurrentManagedThreadId, shared, lockInstance.HasReadSide);
            Interlocked.CompareExchange(ref lockClass.FirstAcquisition, new LockSiteBox(site), null);
        }

        /// <summary>This thread's counters, grown to hold <paramref name="key"/> and registered for snapshots.</summary>
        private static long[] GrowCounters(ThreadState current, int key)
        {
            var old = current.Acquisitions;
            var grown = new long[Math.Max(64, (key + 1) * 2)];
            lock (GraphGate)
            {
                if (old.Length > 0)
                {
                    Array.Copy(old, grown, old.Length);
                    AcquisitionCounters.Remove(old);
                }

                AcquisitionCounters.Add(grown);
            }

            current.Acquisitions = grown;
            return grown;
        }

        /// <summary>
        /// Records a release in a mode (<paramref name="shared"/>: for read); reports a release of a lock this thread
        /// does not hold, or holds in the other mode (and then leaves it held, as the lock itself does).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static void Released(KernelLock lockInstance, bool shared, string file, int line)
        {
            // The warm path: the lock on top of the stack, in the mode it is released in. One compare more than the
            // exclusive paths below, paid by rw semaphores alone (which take a monitor anyway).
            var current = state;
            if (current != null)
            {
                var held = current.Held;
                int top = held.Count - 1;
                if (top >= 0 && ReferenceEquals(held.LockAt(top), lockInstance) && held.SharedAt(top) == shared)
                {
                    if (statistics)
                    {
                        RecordHold(held, top);
                    }

                    held.Pop();
                    return;
                }
            }

            ReleasedSlow(lockInstance, shared, file, line);
        }

        /// <summary>Records the release of a lock that is only ever held exclusive (a mutex, a folio's lock): no mode to compare.</summary>
        internal static void Released(KernelLock lockInstance, string file, int line) => Released(state, lockInstance, file, line);

        /// <summary>
        /// Records the release of a lock that is only ever held exclusive (a spinlock) with the thread's state (null:
        /// it has none yet); returns the state for a following <see cref="RcuExit(ThreadState, string, int)"/>. No mode
        /// compare on the warm path: such a lock is never on the stack for read.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static ThreadState Released(ThreadState? current, KernelLock lockInstance, string file, int line)
        {
            // The warm path: releases are mostly LIFO, so the lock is on top of the stack.
            if (current != null)
            {
                var held = current.Held;
                int top = held.Count - 1;
                if (top >= 0 && ReferenceEquals(held.LockAt(top), lockInstance))
                {
                    if (statistics)
                    {
                        RecordHold(held, top);
                    }

                    held.Pop();
                    return current;
                }
            }

            ReleasedSlow(lockInstance, shared: false, file, line);
            return Current;
        }

        private static void ReleasedSlow(KernelLock lockInstance, bool shared, string file, int line)
        {
            var held = Current.Held;
            int index = FindHeld(held, lockInstance, shared);
            if (index >= 0)
            {
                if (statistics)
                {
                    RecordHold(held, index);
                }

                held.RemoveAt(index);
                return;
            }

            // Held in the other mode: reported, and the entry stays. The lock refuses the release too (up_write of a
            // read-held semaphore throws), so lockdep and the lock keep agreeing on what this thread holds.
            int other = FindHeld(held, lockInstance);
            if (other >= 0)
            {
                var heldSite = held[other].Site;
                var release = new LockSite(lockInstance.Class, heldSite.Subclass, file, line, Environment.CurrentManagedThreadId, shared, lockInstance.HasReadSide);
                Report(LockdepReportKind.ReleaseModeMismatch, release, heldSite, Array.Empty<LockSite>(), held);
                return;
            }

            var site = new LockSite(lockInstance.Class, 0, file, line, Environment.CurrentManagedThreadId, shared, lockInstance.HasReadSide);
            Report(LockdepReportKind.UnlockNotHeld, site, null, Array.Empty<LockSite>(), held);
        }

        private static bool ValidateChain(HeldStack held, LockSite site)
        {
            if (site.Class.Kind == LockKind.Sleeping)
            {
                // The holder named is the innermost spinning lock of the held list; the RCU read side of a lockless
                // map only when no spinning lock is held (it is listed apart, under the held locks).
                for (int i = held.Count - 1; i >= 0; i--)
                {
                    if (held[i].Lock.Class.Kind == LockKind.Spinning)
                    {
                        Report(LockdepReportKind.SleepInAtomic, site, held[i].Site, Array.Empty<LockSite>(), held);
                        return false;
                    }
                }

                if (Current.RcuDepth > 0)
                {
                    Report(LockdepReportKind.SleepInAtomic, site, Current.RcuSite, Array.Empty<LockSite>(), held);
                    return false;
                }
            }

            int newKey = KeyOf(site.Class, site.Subclass);
            for (int i = 0; i < held.Count; i++)
            {
                var entry = held[i];
                if (entry.Lock.IsRecursive)
                {
                    continue;
                }

                int heldKey = KeyOf(entry.Site.Class, entry.Site.Subclass);
                if (heldKey == newKey)
                {
                    Report(LockdepReportKind.RecursiveLocking, site, entry.Site, Array.Empty<LockSite>(), held);
                    return false;
                }

                if (site.Class.MustPrecede(entry.Site.Class))
                {
                    Report(LockdepReportKind.OrderViolation, site, entry.Site, Array.Empty<LockSite>(), held);
                    return false;
                }

                var cycle = AddDependency(heldKey, newKey, entry.Site, site);
                if (cycle != null)
                {
                    Report(LockdepReportKind.CircularDependency, site, entry.Site, cycle, held);
                    return false;
                }
            }

            return true;
        }

        /// <summary>Adds held→new; returns the existing path new→…→held when the edge would close a cycle.</summary>
        private static List<LockSite>? AddDependency(int heldKey, int newKey, LockSite heldSite, LockSite newSite)
        {
            lock (GraphGate)
            {
                if (!Dependencies.TryGetValue(heldKey, out var edges))
                {
                    edges = new List<Dependency>();
                    Dependencies.Add(heldKey, edges);
                }

                if (edges.Exists(e => e.To == newKey))
                {
                    return null;
                }

                var path = FindPath(newKey, heldKey);
                if (path != null)
                {
                    return path;
                }

                edges.Add(new Dependency(newKey, heldSite, newSite));
                return null;
            }
        }

        /// <summary>Breadth-first search over dependencies; the sites along the first path found.</summary>
        [MustHold(nameof(GraphGate))]
        private static List<LockSite>? FindPath(int from, int to)
        {
            var parent = new Dictionary<int, (int From, Dependency Edge)>();
            var queue = new Queue<int>();
            queue.Enqueue(from);
            parent[from] = (-1, default);
            while (queue.Count > 0)
            {
                int current = queue.Dequeue();
                if (!Dependencies.TryGetValue(current, out var edges))
                {
                    continue;
                }

                foreach (var edge in edges)
                {
                    if (parent.ContainsKey(edge.To))
                    {
                        continue;
                    }

                    parent[edge.To] = (current, edge);
                    if (edge.To == to)
                    {
                        var path = new List<LockSite>();
                        for (int node = to; parent[node].From >= 0; node = parent[node].From)
                        {
                            path.Add(parent[node].Edge.ToSite);
                            path.Add(parent[node].Edge.FromSite);
                        }

                        path.Reverse();
                        return path;
                    }

                    queue.Enqueue(edge.To);
                }
            }

            return null;
        }

        private static void Report(LockdepReportKind kind, LockSite site, LockSite? heldSite, IReadOnlyList<LockSite> chain, HeldStack held)
        {
            string signature = $"{kind}:{site.Name}:{heldSite?.Name}:{site.File}:{site.Line}";
            lock (GraphGate)
            {
                // Like the kernel, say each problem once; a stress test would otherwise drown in copies.
                if (!ReportedSignatures.Add(signature))
                {
                    return;
                }
            }

            var thread = Thread.CurrentThread;
            var (callerFile, callerLine, stack) = CallerSite.Find();
            if (callerFile != null && callerLine > 0)
            {
                site = site.At(callerFile, callerLine, site.Thread);
            }

            heldSite = heldSite?.OnThread(site.Thread);
            var current = Current;
            var context = new LockdepText.Context(thread.ManagedThreadId, thread.Name, stack, current.RcuDepth > 0 ? current.RcuSite : null, current.RcuDepth);
            var report = new LockdepReport(kind, site, heldSite, chain, LockdepText.Format(kind, site, heldSite, chain, held.ToList(), context))
            {
                ThreadId = context.ThreadId,
                ThreadName = context.ThreadName,
                Stack = stack,
            };
            var target = Volatile.Read(ref sink);
            if (target is null)
            {
                throw new LockdepException(report);
            }

            target(report);
        }

        private static int FindHeld(KernelLock lockInstance)
        {
            var held = state?.Held;
            return held is null ? -1 : FindHeld(held, lockInstance);
        }

        private static int FindHeld(HeldStack held, KernelLock lockInstance)
        {
            for (int i = held.Count - 1; i >= 0; i--)
            {
                if (ReferenceEquals(held.LockAt(i), lockInstance))
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>The innermost entry of <paramref name="lockInstance"/> held in the given mode, or -1.</summary>
        private static int FindHeld(HeldStack held, KernelLock lockInstance, bool shared)
        {
            for (int i = held.Count - 1; i >= 0; i--)
            {
                if (ReferenceEquals(held.LockAt(i), lockInstance) && held.SharedAt(i) == shared)
                {
                    return i;
                }
            }

            return -1;
        }

        private static int KeyOf(LockClass lockClass, int subclass) => (lockClass.Id * MaxSubclasses) + subclass;

        /// <summary>
        /// FNV-1a over the class keys of the held stack and the new lock: a chain is the sequence of classes, not
        /// instances (as in lockdep). The stack keeps the hash of its prefix, so this is one step whatever the depth.
        /// Whether an RCU section is open changes what is valid (sleeping is not): it is part of the chain.
        /// </summary>
        private static ulong ChainHash(HeldStack held, LockClass next, int subclass, int rcuDepth) =>
            HeldStack.Mix(held.Hash, KeyOf(next, subclass)) ^ (rcuDepth > 0 ? 0x9E3779B97F4A7C15UL : 0UL);

        private static bool IsSetInEnvironment()
        {
            string? value = Environment.GetEnvironmentVariable("KD_LOCKDEP");
            return value == "1" || string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>One thread's lockdep state.</summary>
        internal sealed class ThreadState
        {
            /// <summary>The locks held, outermost first.</summary>
            public readonly HeldStack Held = new HeldStack();

            /// <summary>The managed id of the thread this state belongs to (states are thread-local).</summary>
            public readonly int ThreadId = Environment.CurrentManagedThreadId;

            /// <summary>RCU read-side nesting (live lockless maps): atomic context, kept off the held stack.</summary>
            public int RcuDepth;

            /// <summary>Where the outermost RCU read-side section began, for reports.</summary>
            public string RcuFile = string.Empty;

            public int RcuLine;

            public LockSite RcuSite => new LockSite(LockClass.RcuRead, 0, RcuFile, RcuLine, 0);

            /// <summary>The chain this thread validated last: a hot loop re-takes the same chain without a shared lookup.</summary>
            public ulong LastValidatedChain;

            public int LastEpoch;

            /// <summary>Acquisitions per class key, registered for snapshots once it has grown past empty.</summary>
            public long[] Acquisitions = Array.Empty<long>();
        }

        /// <summary>
        /// The held locks of one thread, outermost first, in parallel arrays. A release only lowers the count, and a
        /// push writes a reference only where it differs from what the slot already holds: a hot loop that takes the
        /// same lock from the same line at the same depth then pays no write barrier at all.
        /// </summary>
        internal sealed class HeldStack
        {
            private const ulong Basis = 14695981039346656037UL;

            /// <summary>One array of entries: a push or a pop touches one array (one bounds check), not five.</summary>
            private Slot[] slots = new Slot[8];

            /// <summary>hashes[i]: the chain hash of the first i entries, valid for i up to <see cref="hashed"/>.</summary>
            private ulong[] hashes = new ulong[9] { Basis, 0, 0, 0, 0, 0, 0, 0, 0 };

            /// <summary>How far <see cref="hashes"/> is valid: extended on demand, so a push or a pop costs nothing for it.</summary>
            private int hashed;

            public int Count { get; private set; }

            /// <summary>The chain hash of the whole stack.</summary>
            public ulong Hash
            {
                get
                {
                    for (; hashed < Count; hashed++)
                    {
                        hashes[hashed + 1] = Mix(hashes[hashed], KeyOf(slots[hashed].Lock.Class, slots[hashed].Flags & HeldLock.SubclassMask));
                    }

                    return hashes[Count];
                }
            }

            public static ulong Mix(ulong hash, int key) => (hash ^ (ulong)key) * 1099511628211UL;

            public HeldLock this[int index]
            {
                get
                {
                    ref var slot = ref slots[index];
                    return new HeldLock(slot.Lock, slot.File, slot.Line, slot.Flags, slot.Time);
                }
            }

            /// <summary>The lock at <paramref name="index"/>, without building the entry.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public KernelLock LockAt(int index) => slots[index].Lock;

            /// <summary>Whether the entry at <paramref name="index"/> is held for read, without building the entry.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public bool SharedAt(int index) => (slots[index].Flags & HeldLock.SharedFlag) != 0;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Push(KernelLock lockInstance, int subclass, string file, int line, bool shared, bool trylock, long acquiredAt)
            {
                int at = Count;
                if (at == slots.Length)
                {
                    Grow();
                }

                ref var slot = ref slots[at];
                if (!ReferenceEquals(slot.Lock, lockInstance))
                {
                    slot.Lock = lockInstance;
                }

                if (!ReferenceEquals(slot.File, file))
                {
                    slot.File = file;
                }

                slot.Line = line;
                slot.Flags = HeldLock.Pack(subclass, shared, trylock);
                slot.Time = acquiredAt;
                Count = at + 1;
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Pop()
            {
                Count--;
                hashed = Math.Min(hashed, Count);
            }

            public void RemoveAt(int index)
            {
                int after = Count - index - 1;
                Array.Copy(slots, index + 1, slots, index, after);
                Count--;
                hashed = Math.Min(hashed, index);
            }

            public void Clear()
            {
                Array.Clear(slots, 0, slots.Length);
                Count = 0;
                hashed = 0;
            }

            public List<HeldLock> ToList()
            {
                var list = new List<HeldLock>(Count);
                for (int i = 0; i < Count; i++)
                {
                    list.Add(this[i]);
                }

                return list;
            }

            private void Grow()
            {
                int size = slots.Length * 2;
                Array.Resize(ref slots, size);
                Array.Resize(ref hashes, size + 1);
            }

            private struct Slot
            {
                public KernelLock Lock;
                public string File;
                public int Line;
                public int Flags;
                public long Time;
            }
        }

        internal readonly struct HeldLock
        {
            public const int SubclassMask = 0xFFFF;

            public const int SharedFlag = 1 << 16;

            private const int TrylockFlag = 1 << 17;

            private readonly int subclassAndFlags;

            public HeldLock(KernelLock lockInstance, string file, int line, int packedFlags, long acquiredAt)
            {
                Lock = lockInstance;
                File = file;
                Line = line;
                subclassAndFlags = packedFlags;
                AcquiredAt = acquiredAt;
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static int Pack(int subclass, bool shared, bool trylock) => subclass | (shared ? SharedFlag : 0) | (trylock ? TrylockFlag : 0);

            public KernelLock Lock { get; }

            public string File { get; }

            public int Line { get; }

            /// <summary>Stopwatch timestamp of the acquisition when statistics were on, else 0.</summary>
            public long AcquiredAt { get; }

            public int Subclass => subclassAndFlags & SubclassMask;

            public LockSite Site => new LockSite(Lock.Class, Subclass, File, Line, 0, Shared, Lock.HasReadSide);

            public bool Shared => (subclassAndFlags & SharedFlag) != 0;

            public bool Trylock => (subclassAndFlags & TrylockFlag) != 0;
        }

        private readonly struct Dependency
        {
            public Dependency(int to, LockSite fromSite, LockSite toSite)
            {
                To = to;
                FromSite = fromSite;
                ToSite = toSite;
            }

            public int To { get; }

            public LockSite FromSite { get; }

            public LockSite ToSite { get; }
        }
    }
}
