using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace KernelDiscipline.Runtime
{
    /// <summary>What lockdep has seen, for people: the dump, the chains and the contention statistics.</summary>
    public static partial class Lockdep
    {
        /// <summary>True when contention statistics are collected (<see cref="EnableStatistics"/>).</summary>
        public static bool StatisticsEnabled => statistics;

        /// <summary>
        /// Collects contention statistics (the kernel's <c>lock_stat</c>): per class, contended acquisitions, wait and
        /// hold times. Needs validation on (<see cref="Enable"/>): hold times come from lockdep's held-lock stack.
        /// Off, it costs each acquisition and release one branch.
        /// </summary>
        public static void EnableStatistics() => statistics = true;

        /// <summary>Stops collecting contention statistics (what was collected stays until <see cref="Reset"/>).</summary>
        public static void DisableStatistics() => statistics = false;

        /// <summary>
        /// What lockdep has seen so far: the classes acquired (with counts and first sites), the dependencies between
        /// them (with the sites that made each), the chains validated, and the statistics when they are on.
        /// </summary>
        public static LockdepSnapshot Snapshot()
        {
            var byKey = new Dictionary<int, (LockClass Class, int Subclass)>();
            foreach (var lockClass in LockClass.All)
            {
                for (int subclass = 0; subclass < MaxSubclasses; subclass++)
                {
                    byKey[KeyOf(lockClass, subclass)] = (lockClass, subclass);
                }
            }

            string NameOf(int key) => byKey.TryGetValue(key, out var found) ? ClassName(found.Class, found.Subclass) : "#" + key;

            var counts = new Dictionary<int, long>();
            var dependencies = new List<LockDependency>();
            lock (GraphGate)
            {
                foreach (var perThread in AcquisitionCounters)
                {
                    for (int key = 0; key < perThread.Length; key++)
                    {
                        if (perThread[key] != 0)
                        {
                            counts[key] = (counts.TryGetValue(key, out long sum) ? sum : 0) + Volatile.Read(ref perThread[key]);
                        }
                    }
                }

                foreach (var pair in Dependencies)
                {
                    foreach (var edge in pair.Value)
                    {
                        var outer = byKey[pair.Key];
                        var inner = byKey[edge.To];
                        dependencies.Add(new LockDependency(NameOf(pair.Key), NameOf(edge.To), edge.FromSite, edge.ToSite, outer.Class.MustPrecede(inner.Class)));
                    }
                }
            }

            var classes = new List<LockClassUsage>();
            foreach (var pair in counts)
            {
                var (lockClass, subclass) = byKey.TryGetValue(pair.Key, out var found) ? found : (null!, 0);
                if (lockClass is null)
                {
                    continue;
                }

                classes.Add(new LockClassUsage(ClassName(lockClass, subclass), lockClass.Kind, lockClass.Rank, pair.Value,
                    subclass == 0 ? lockClass.FirstAcquisition?.Site : null, Forward(dependencies, ClassName(lockClass, subclass)), Backward(dependencies, ClassName(lockClass, subclass))));
            }

            // Outer ranks first, unordered classes last.
            classes.Sort((a, b) => a.Rank != b.Rank ? (a.Rank == 0 ? int.MaxValue : a.Rank).CompareTo(b.Rank == 0 ? int.MaxValue : b.Rank) : string.CompareOrdinal(a.Name, b.Name));
            dependencies.Sort((a, b) => string.CompareOrdinal(a.Outer + " " + a.Inner, b.Outer + " " + b.Inner));
            var chains = new List<IReadOnlyList<string>>();
            foreach (var keys in ValidatedChains.Values)
            {
                chains.Add(Array.ConvertAll(keys, NameOf));
            }

            chains.Sort((a, b) => string.CompareOrdinal(string.Join(" ", a), string.Join(" ", b)));
            var stats = new List<LockStatistics>();
            foreach (var lockClass in LockClass.All)
            {
                if (lockClass.Statistics is { } counters)
                {
                    stats.Add(counters.Read(lockClass.Name));
                }
            }

            stats.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            return new LockdepSnapshot(classes, dependencies, chains, stats);
        }

        private static int Forward(List<LockDependency> dependencies, string name) => dependencies.FindAll(d => d.Outer == name).Count;

        private static int Backward(List<LockDependency> dependencies, string name) => dependencies.FindAll(d => d.Inner == name).Count;

        private static string ClassName(LockClass lockClass, int subclass) => subclass == 0 ? lockClass.Name : lockClass.Name + "/" + subclass;

        /// <summary>A lock of <paramref name="lockClass"/> had to wait <paramref name="waitTicks"/> (Stopwatch ticks) before it was taken.</summary>
        internal static void Contended(LockClass lockClass, long waitTicks) => CountersOf(lockClass).Contended(waitTicks);

        /// <summary>The wait of a blocking acquisition starts: a timestamp when statistics are on, else 0.</summary>
        internal static long WaitStarts() => statistics ? Stopwatch.GetTimestamp() : 0;

        /// <summary>The wait that <see cref="WaitStarts"/> began ended with the lock taken.</summary>
        internal static void WaitEnded(LockClass lockClass, long started)
        {
            if (started != 0)
            {
                Contended(lockClass, Stopwatch.GetTimestamp() - started);
            }
        }

        /// <summary>Times the hold of the entry at <paramref name="index"/> (out of line: the entry is built only when statistics are on).</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void RecordHold(HeldStack held, int index)
        {
            var entry = held[index];
            if (entry.AcquiredAt != 0)
            {
                CountersOf(entry.Lock.Class).Held(Stopwatch.GetTimestamp() - entry.AcquiredAt);
            }
        }

        private static LockStatCounters CountersOf(LockClass lockClass)
        {
            var counters = lockClass.Statistics;
            if (counters is null)
            {
                Interlocked.CompareExchange(ref lockClass.Statistics, new LockStatCounters(), null);
                counters = lockClass.Statistics!;
            }

            return counters;
        }
    }

    /// <summary>A first-acquisition site, boxed so it can be published once with a compare-and-swap.</summary>
    internal sealed class LockSiteBox
    {
        public LockSiteBox(LockSite site) => Site = site;

        public LockSite Site { get; }
    }

    /// <summary>One class's lock_stat counters, updated atomically (statistics are opt-in: their cost is accepted).</summary>
    internal sealed class LockStatCounters
    {
        private long contentions;
        private long waitTotal;
        private long waitMax;
        private long holds;
        private long holdTotal;
        private long holdMax;

        public void Contended(long ticks)
        {
            Interlocked.Increment(ref contentions);
            Interlocked.Add(ref waitTotal, ticks);
            Max(ref waitMax, ticks);
        }

        public void Held(long ticks)
        {
            Interlocked.Increment(ref holds);
            Interlocked.Add(ref holdTotal, ticks);
            Max(ref holdMax, ticks);
        }

        public LockStatistics Read(string name) => new LockStatistics(
            name, Volatile.Read(ref holds), Volatile.Read(ref contentions),
            ToTime(Volatile.Read(ref waitTotal)), ToTime(Volatile.Read(ref waitMax)),
            ToTime(Volatile.Read(ref holdTotal)), ToTime(Volatile.Read(ref holdMax)));

        private static TimeSpan ToTime(long ticks) => TimeSpan.FromSeconds((double)ticks / Stopwatch.Frequency);

        private static void Max(ref long field, long value)
        {
            long seen;
            while (value > (seen = Volatile.Read(ref field)) && Interlocked.CompareExchange(ref field, value, seen) != seen)
            {
            }
        }
    }
}
