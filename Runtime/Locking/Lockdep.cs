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
    /// atomic context, recursive locking and unbalanced unlocks. Off by default (each lock operation pays one branch);
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
        private static readonly List<long[]> AcquisitionCounters = new List<long[]>();

        [ThreadStatic]
        private static long[]? acquisitions;

        private static volatile bool statistics;
        private static readonly Dictionary<int, List<Dependency>> Dependencies = new Dictionary<int, List<Dependency>>();
        private static readonly HashSet<string> ReportedSignatures = new HashSet<string>(StringComparer.Ordinal);
        private static volatile bool enabled = IsSetInEnvironment();
        private static Action<LockdepReport>? sink;

        [ThreadStatic]
        private static List<HeldLock>? heldLocks;

        /// <summary>RCU read-side nesting of this thread (live lockless maps): atomic context, kept off the held stack.</summary>
        [ThreadStatic]
        private static int rcuDepth;

        /// <summary>Where the outermost RCU read-side section of this thread began, for reports.</summary>
        [ThreadStatic]
        private static LockSite rcuSite;

        /// <summary>The chain this thread validated last: a hot loop re-takes the same chain without a shared lookup.</summary>
        [ThreadStatic]
        private static ulong lastValidatedChain;

        /// <summary>Bumped by <see cref="Reset"/>, so that no thread trusts a chain validated against a forgotten graph.</summary>
        private static volatile int epoch = 1;

        [ThreadStatic]
        private static int lastEpoch;

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

            heldLocks?.Clear();
            rcuDepth = 0;
            epoch++;
        }

        /// <summary>How many locks the calling thread holds, as lockdep has seen them.</summary>
        public static int HeldCount => heldLocks?.Count ?? 0;

        /// <summary>How many distinct lock chains have been validated (each is validated once).</summary>
        internal static int ValidatedChainCount => ValidatedChains.Count;

        /// <summary>Whether the calling thread holds <paramref name="lockInstance"/> (<c>lockdep_is_held</c>).</summary>
        public static bool IsHeld(KernelLock lockInstance) => FindHeld(lockInstance) >= 0;

        /// <summary>Whether the calling thread holds a spinning lock or a live lockless map.</summary>
        public static bool InAtomicContext
        {
            get
            {
                var held = heldLocks;
                if (rcuDepth > 0)
                {
                    return true;
                }

                if (held is null)
                {
                    return false;
                }

                foreach (var entry in held)
                {
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
        internal static void BeforeAcquire(KernelLock lockInstance, int subclass, bool shared, string file, int line)
        {
            // The warm path: nothing held and not in an RCU section; then the chain this thread validated last.
            var held = heldLocks;
            if ((held is null || held.Count == 0) && rcuDepth == 0)
            {
                return;
            }

            BeforeAcquireSlow(held ??= heldLocks = new List<HeldLock>(8), lockInstance, subclass, file, line);
        }

        /// <summary>Enters an RCU read-side section (a live lockless map).</summary>
        internal static void RcuEnter(string file, int line)
        {
            if (rcuDepth++ == 0)
            {
                rcuSite = new LockSite(LockClass.RcuRead, 0, file, line, 0);
            }
        }

        /// <summary>Leaves an RCU read-side section; leaving one never entered is an unbalanced unlock.</summary>
        internal static void RcuExit(string file, int line)
        {
            if (rcuDepth > 0)
            {
                rcuDepth--;
                return;
            }

            var held = heldLocks ??= new List<HeldLock>();
            var site = new LockSite(LockClass.RcuRead, 0, file, line, Environment.CurrentManagedThreadId);
            Report(LockdepReportKind.UnlockNotHeld, site, null, Array.Empty<LockSite>(), held);
        }

        private static void BeforeAcquireSlow(List<HeldLock> held, KernelLock lockInstance, int subclass, string file, int line)
        {
            int same = FindHeld(held, lockInstance);
            if (same >= 0)
            {
                var again = new LockSite(lockInstance.Class, subclass, file, line, Environment.CurrentManagedThreadId);
                Report(LockdepReportKind.RecursiveLocking, again, held[same].Site, Array.Empty<LockSite>(), held);
                return;
            }

            ulong chain = ChainHash(held, lockInstance.Class, subclass);
            if ((chain == lastValidatedChain && lastEpoch == epoch) || ValidatedChains.ContainsKey(chain))
            {
                lastValidatedChain = chain;
                lastEpoch = epoch;
                return;
            }

            var site = new LockSite(lockInstance.Class, subclass, file, line, Environment.CurrentManagedThreadId);
            if (ValidateChain(held, site))
            {
                var keys = new int[held.Count + 1];
                for (int i = 0; i < held.Count; i++)
                {
                    keys[i] = KeyOf(held[i].Site.Class, held[i].Site.Subclass);
                }

                keys[held.Count] = KeyOf(site.Class, site.Subclass);
                ValidatedChains.TryAdd(chain, keys);
                lastValidatedChain = chain;
                lastEpoch = epoch;
            }
        }

        /// <summary>Records an acquisition that succeeded (blocking or trylock).</summary>
        internal static void Acquired(KernelLock lockInstance, int subclass, bool shared, bool trylock, string file, int line)
        {
            // Held entries are the calling thread's by construction: the site's thread is filled in only in reports.
            var lockClass = lockInstance.Class;
            var site = new LockSite(lockClass, subclass, file, line, 0);
            (heldLocks ??= new List<HeldLock>(8)).Add(new HeldLock(lockInstance, site, shared, trylock, statistics ? Stopwatch.GetTimestamp() : 0));
            int key = KeyOf(lockClass, subclass);
            var counts = acquisitions;
            if (counts is null || key >= counts.Length)
            {
                counts = GrowCounters(key);
            }

            counts[key]++;
            if (lockClass.FirstAcquisition is null)
            {
                Interlocked.CompareExchange(ref lockClass.FirstAcquisition, new LockSiteBox(site.OnThread(Environment.CurrentManagedThreadId)), null);
            }
        }

        /// <summary>This thread's counters, grown to hold <paramref name="key"/> and registered for snapshots.</summary>
        private static long[] GrowCounters(int key)
        {
            var old = acquisitions;
            var grown = new long[Math.Max(64, (key + 1) * 2)];
            lock (GraphGate)
            {
                if (old != null)
                {
                    Array.Copy(old, grown, old.Length);
                    AcquisitionCounters.Remove(old);
                }

                AcquisitionCounters.Add(grown);
            }

            acquisitions = grown;
            return grown;
        }

        /// <summary>Records a release; reports a release of a lock this thread does not hold.</summary>
        internal static void Released(KernelLock lockInstance, bool shared, string file, int line)
        {
            // The warm path: releases are mostly LIFO, so the lock is on top of the stack.
            var held = heldLocks;
            if (held != null)
            {
                int top = held.Count - 1;
                if (top >= 0 && ReferenceEquals(CollectionsMarshal.AsSpan(held)[top].Lock, lockInstance))
                {
                    if (statistics)
                    {
                        RecordHold(held[top]);
                    }

                    held.RemoveAt(top);
                    return;
                }
            }

            ReleasedSlow(lockInstance, file, line);
        }

        private static void ReleasedSlow(KernelLock lockInstance, string file, int line)
        {
            var held = heldLocks ??= new List<HeldLock>();
            int index = FindHeld(held, lockInstance);
            if (index >= 0)
            {
                if (statistics)
                {
                    RecordHold(held[index]);
                }

                held.RemoveAt(index);
                return;
            }

            var site = new LockSite(lockInstance.Class, 0, file, line, Environment.CurrentManagedThreadId);
            Report(LockdepReportKind.UnlockNotHeld, site, null, Array.Empty<LockSite>(), held);
        }

        private static bool ValidateChain(List<HeldLock> held, LockSite site)
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

                if (rcuDepth > 0)
                {
                    Report(LockdepReportKind.SleepInAtomic, site, rcuSite, Array.Empty<LockSite>(), held);
                    return false;
                }
            }

            int newKey = KeyOf(site.Class, site.Subclass);
            foreach (var entry in held)
            {
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

        private static void Report(LockdepReportKind kind, LockSite site, LockSite? heldSite, IReadOnlyList<LockSite> chain, List<HeldLock> held)
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
                site = new LockSite(site.Class, site.Subclass, callerFile, callerLine, site.Thread);
            }

            heldSite = heldSite?.OnThread(site.Thread);
            var context = new LockdepText.Context(thread.ManagedThreadId, thread.Name, stack, rcuDepth > 0 ? rcuSite : null, rcuDepth);
            var report = new LockdepReport(kind, site, heldSite, chain, LockdepText.Format(kind, site, heldSite, chain, held, context))
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
            var held = heldLocks;
            return held is null ? -1 : FindHeld(held, lockInstance);
        }

        private static int FindHeld(List<HeldLock> held, KernelLock lockInstance)
        {
            for (int i = held.Count - 1; i >= 0; i--)
            {
                if (ReferenceEquals(held[i].Lock, lockInstance))
                {
                    return i;
                }
            }

            return -1;
        }

        private static int KeyOf(LockClass lockClass, int subclass) => (lockClass.Id * MaxSubclasses) + subclass;

        private static ulong ChainHash(List<HeldLock> held, LockClass next, int subclass)
        {
            // FNV-1a over the class keys: a chain is the sequence of classes, not instances (as in lockdep).
            ulong hash = 14695981039346656037UL;
            for (int i = 0; i < held.Count; i++)
            {
                var site = held[i].Site;
                hash = (hash ^ (ulong)KeyOf(site.Class, site.Subclass)) * 1099511628211UL;
            }

            // Whether an RCU section is open changes what is valid (sleeping is not): it is part of the chain.
            return ((hash ^ (ulong)KeyOf(next, subclass)) * 1099511628211UL) ^ (rcuDepth > 0 ? 0x9E3779B97F4A7C15UL : 0UL);
        }

        private static bool IsSetInEnvironment()
        {
            string? value = Environment.GetEnvironmentVariable("KD_LOCKDEP");
            return value == "1" || string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
        }

        internal readonly struct HeldLock
        {
            public HeldLock(KernelLock lockInstance, LockSite site, bool shared, bool trylock, long acquiredAt)
            {
                AcquiredAt = acquiredAt;
                Lock = lockInstance;
                Site = site;
                Shared = shared;
                Trylock = trylock;
            }

            public KernelLock Lock { get; }

            /// <summary>Stopwatch timestamp of the acquisition when statistics were on, else 0.</summary>
            public long AcquiredAt { get; }

            public LockSite Site { get; }

            public bool Shared { get; }

            public bool Trylock { get; }
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
