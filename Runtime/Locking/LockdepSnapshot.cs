using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace KernelDiscipline.Runtime
{
    /// <summary>A lock class (with its subclass) as lockdep has seen it.</summary>
    public sealed class LockClassUsage
    {
        internal LockClassUsage(string name, LockKind kind, int rank, long acquisitions, LockSite? firstAcquisition, int forward, int backward)
        {
            Name = name;
            Kind = kind;
            Rank = rank;
            Acquisitions = acquisitions;
            FirstAcquisition = firstAcquisition;
            ForwardDependencies = forward;
            BackwardDependencies = backward;
        }

        /// <summary>The class name, with <c>/subclass</c> for a nested subclass.</summary>
        public string Name { get; }

        /// <summary>Sleeping or spinning.</summary>
        public LockKind Kind { get; }

        /// <summary>Its rank in the declared order (0: unordered).</summary>
        public int Rank { get; }

        /// <summary>Successful acquisitions seen (blocking and try).</summary>
        public long Acquisitions { get; }

        /// <summary>Where the class was first acquired (for subclass 0).</summary>
        public LockSite? FirstAcquisition { get; }

        /// <summary>Classes taken while this one was held (<c>FD</c> in <c>/proc/lockdep</c>).</summary>
        public int ForwardDependencies { get; }

        /// <summary>Classes held while this one was taken (<c>BD</c>).</summary>
        public int BackwardDependencies { get; }
    }

    /// <summary>An observed dependency: <see cref="Inner"/> was taken while <see cref="Outer"/> was held.</summary>
    public sealed class LockDependency
    {
        internal LockDependency(string outer, string inner, LockSite outerSite, LockSite innerSite, bool explained)
        {
            Outer = outer;
            Inner = inner;
            OuterSite = outerSite;
            InnerSite = innerSite;
            ExplainedByOrder = explained;
        }

        /// <summary>The class held.</summary>
        public string Outer { get; }

        /// <summary>The class taken under it.</summary>
        public string Inner { get; }

        /// <summary>Where the outer lock was taken, the first time this dependency was seen.</summary>
        public LockSite OuterSite { get; }

        /// <summary>Where the inner lock was taken, the first time.</summary>
        public LockSite InnerSite { get; }

        /// <summary>
        /// Whether the declared order ranks <see cref="Outer"/> before <see cref="Inner"/>. An observed edge it does not
        /// explain (an unordered class, or nesting by subclass) is legal today and the next report waiting to happen
        /// if anyone takes the two the other way round.
        /// </summary>
        public bool ExplainedByOrder { get; }
    }

    /// <summary>One class's contention statistics (<c>/proc/lock_stat</c>).</summary>
    public sealed class LockStatistics
    {
        internal LockStatistics(string name, long acquisitions, long contentions, TimeSpan waitTotal, TimeSpan waitMax, TimeSpan holdTotal, TimeSpan holdMax)
        {
            Name = name;
            Acquisitions = acquisitions;
            Contentions = contentions;
            WaitTotal = waitTotal;
            WaitMax = waitMax;
            HoldTotal = holdTotal;
            HoldMax = holdMax;
        }

        /// <summary>The class name.</summary>
        public string Name { get; }

        /// <summary>Acquisitions released while statistics were on (each one's hold time is counted).</summary>
        public long Acquisitions { get; }

        /// <summary>Acquisitions that had to wait.</summary>
        public long Contentions { get; }

        /// <summary>Time spent waiting, in all.</summary>
        public TimeSpan WaitTotal { get; }

        /// <summary>The longest wait.</summary>
        public TimeSpan WaitMax { get; }

        /// <summary>Time held, in all.</summary>
        public TimeSpan HoldTotal { get; }

        /// <summary>The longest hold.</summary>
        public TimeSpan HoldMax { get; }
    }

    /// <summary>What <see cref="Lockdep.Snapshot"/> returns: classes, dependencies, chains and statistics, and their text.</summary>
    public sealed class LockdepSnapshot
    {
        internal LockdepSnapshot(IReadOnlyList<LockClassUsage> classes, IReadOnlyList<LockDependency> dependencies,
            IReadOnlyList<IReadOnlyList<string>> chains, IReadOnlyList<LockStatistics> statistics)
        {
            Classes = classes;
            Dependencies = dependencies;
            Chains = chains;
            Statistics = statistics;
        }

        /// <summary>The classes acquired, outer ranks first.</summary>
        public IReadOnlyList<LockClassUsage> Classes { get; }

        /// <summary>The dependencies observed.</summary>
        public IReadOnlyList<LockDependency> Dependencies { get; }

        /// <summary>The chains validated (two locks or more held at once), each outer to inner; each validated once.</summary>
        public IReadOnlyList<IReadOnlyList<string>> Chains { get; }

        /// <summary>Per-class contention statistics, when they were on.</summary>
        public IReadOnlyList<LockStatistics> Statistics { get; }

        /// <summary>The classes and their dependencies, laid out like <c>/proc/lockdep</c>.</summary>
        public string FormatClasses()
        {
            var text = new StringBuilder("all lock classes:\n");
            foreach (var usage in Classes)
            {
                string kind = usage.Kind == LockKind.Sleeping ? "sleeping" : "spinning";
                string first = usage.FirstAcquisition is { } site ? $", first at {Path.GetFileName(site.File)}:{site.Line}" : string.Empty;
                text.Append(CultureInfo.InvariantCulture,
                    $"FD: {usage.ForwardDependencies,3} BD: {usage.BackwardDependencies,3} {kind}, rank {usage.Rank,4}: {usage.Name} (acquired {usage.Acquisitions}{first})\n");
                foreach (var dependency in Dependencies)
                {
                    if (dependency.Outer == usage.Name)
                    {
                        text.Append(CultureInfo.InvariantCulture, $" -> {dependency.Inner}{(dependency.ExplainedByOrder ? string.Empty : "   [not explained by the declared order]")}\n");
                    }
                }

                text.Append('\n');
            }

            return text.ToString();
        }

        /// <summary>The validated chains, laid out like <c>/proc/lockdep_chains</c>.</summary>
        public string FormatChains()
        {
            var text = new StringBuilder("all lock chains:\n");
            foreach (var chain in Chains)
            {
                text.Append("irq_context: 0\n");
                foreach (var name in chain)
                {
                    text.Append(CultureInfo.InvariantCulture, $"[{name}]\n");
                }

                text.Append('\n');
            }

            return text.ToString();
        }

        /// <summary>The statistics as a table, like <c>/proc/lock_stat</c> (times in microseconds).</summary>
        public string FormatStatistics()
        {
            const string Rule = "----------------------------------------------------------------------------------------------------------------\n";
            var text = new StringBuilder("lock_stat (KernelDiscipline): times in microseconds\n").Append(Rule);
            text.Append(CultureInfo.InvariantCulture, $"{"class name",20} {"contentions",12} {"waittime-max",14} {"waittime-total",15} {"acquisitions",13} {"holdtime-max",13} {"holdtime-total",15}\n");
            text.Append(Rule);
            foreach (var stat in Statistics)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"{stat.Name + ":",20} {stat.Contentions,12} {Micro(stat.WaitMax),14} {Micro(stat.WaitTotal),15} {stat.Acquisitions,13} {Micro(stat.HoldMax),13} {Micro(stat.HoldTotal),15}\n");
            }

            return text.ToString();
        }

        private static string Micro(TimeSpan time) => (time.Ticks / 10.0).ToString("F2", CultureInfo.InvariantCulture);
    }
}
