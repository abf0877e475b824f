using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using KernelDiscipline.Runtime;
using Xunit;

namespace KernelDiscipline.Runtime.Tests
{
    /// <summary>Lockdep's dump, chains, statistics and graphs for a known workload.</summary>
    public class LockdepViewTests
    {
        private static readonly LockClass Outer = LockClass.Declare("view_outer", LockKind.Sleeping, 150);
        private static readonly LockClass Inner = LockClass.Declare("view_inner", LockKind.Spinning, 950);
        private static readonly LockClass Free = LockClass.Declare("view_free", LockKind.Spinning, 0);

        /// <summary>outer → inner three times (explained by the order), then inner → free once (free is unordered).</summary>
        private static int Workload(KernelMutex outer, TicketLock inner, TicketLock free)
        {
            int firstLine = 0;
            for (int i = 0; i < 3; i++)
            {
                firstLine = firstLine == 0 ? Line() + 1 : firstLine;
                outer.Lock();
                inner.Lock();
                inner.Unlock();
                outer.Unlock();
            }

            inner.Lock();
            free.Lock();
            free.Unlock();
            inner.Unlock();
            return firstLine;
        }

        private static int Line([CallerLineNumber] int line = 0) => line;

        [Fact]
        public void TheDumpNamesClassesCountsFirstSitesEdgesAndChains()
        {
            using var lockdep = new LockdepScope();
            int firstLine = Workload(new KernelMutex(Outer), new TicketLock(Inner), new TicketLock(Free));
            var snapshot = Lockdep.Snapshot();

            var outer = snapshot.Classes.Single(c => c.Name == "view_outer");
            Assert.Equal(3, outer.Acquisitions);
            Assert.Equal(LockKind.Sleeping, outer.Kind);
            Assert.Equal(150, outer.Rank);
            Assert.Equal((1, 0), (outer.ForwardDependencies, outer.BackwardDependencies));
            Assert.Equal("LockdepViewTests.cs", Path.GetFileName(outer.FirstAcquisition!.Value.File));
            Assert.Equal(firstLine, outer.FirstAcquisition!.Value.Line);
            Assert.Equal(4, snapshot.Classes.Single(c => c.Name == "view_inner").Acquisitions);
            Assert.Equal(1, snapshot.Classes.Single(c => c.Name == "view_free").Acquisitions);
            // Outer ranks first, unordered classes last.
            Assert.Equal(new[] { "view_outer", "view_inner", "view_free" }, snapshot.Classes.Select(c => c.Name).Where(n => n.StartsWith("view_", StringComparison.Ordinal)));

            var edges = snapshot.Dependencies.Select(d => (d.Outer, d.Inner, d.ExplainedByOrder)).ToArray();
            Assert.Equal(new[] { ("view_inner", "view_free", false), ("view_outer", "view_inner", true) }, edges);
            Assert.Equal(firstLine + 1, snapshot.Dependencies.Single(d => d.Outer == "view_outer").InnerSite.Line);

            Assert.Equal(2, snapshot.Chains.Count);
            Assert.Contains(snapshot.Chains, chain => chain.SequenceEqual(new[] { "view_outer", "view_inner" }));
            Assert.Contains(snapshot.Chains, chain => chain.SequenceEqual(new[] { "view_inner", "view_free" }));

            string classes = snapshot.FormatClasses();
            Assert.StartsWith("all lock classes:\n", classes);
            Assert.Contains($"FD:   1 BD:   0 sleeping, rank  150: view_outer (acquired 3, first at LockdepViewTests.cs:{firstLine})\n -> view_inner\n", classes);
            Assert.Contains(" -> view_free   [not explained by the declared order]\n", classes);
            Assert.Contains("irq_context: 0\n[view_outer]\n[view_inner]\n", snapshot.FormatChains());
            Assert.Empty(snapshot.Statistics); // off unless asked for
        }

        [Fact]
        public void ResetForgetsWhatWasSeen()
        {
            using var lockdep = new LockdepScope();
            Workload(new KernelMutex(Outer), new TicketLock(Inner), new TicketLock(Free));
            Lockdep.Reset();
            var snapshot = Lockdep.Snapshot();
            Assert.DoesNotContain(snapshot.Classes, c => c.Name.StartsWith("view_", StringComparison.Ordinal));
            Assert.Empty(snapshot.Dependencies);
            Assert.Empty(snapshot.Chains);
        }

        [Fact]
        public void StatisticsCountTheWaitOfAContendedAcquisitionAndTheHolds()
        {
            using var lockdep = new LockdepScope();
            Lockdep.EnableStatistics();
            try
            {
                var inner = new TicketLock(Inner);
                inner.Lock();
                var waiter = new Thread(() =>
                {
                    inner.Lock();
                    inner.Unlock();
                });
                waiter.Start();
                SpinWait.SpinUntil(() => inner.HasWaiters);
                Thread.Sleep(20); // the waiter spins all along: a contended acquisition with a measurable wait
                inner.Unlock();
                waiter.Join();

                var stat = Lockdep.Snapshot().Statistics.Single(s => s.Name == "view_inner");
                Assert.Equal(1, stat.Contentions);
                Assert.Equal(2, stat.Acquisitions);
                Assert.True(stat.WaitMax >= TimeSpan.FromMilliseconds(10), $"wait max {stat.WaitMax}");
                Assert.True(stat.HoldMax >= TimeSpan.FromMilliseconds(10), $"hold max {stat.HoldMax}");
                Assert.True(stat.HoldTotal >= stat.HoldMax && stat.WaitTotal >= stat.WaitMax);
                string table = Lockdep.Snapshot().FormatStatistics();
                Assert.Contains("class name", table);
                Assert.Matches(@"\s+view_inner:\s+1\s+\d+\.\d\d\s+\d+\.\d\d\s+2\s", table);
            }
            finally
            {
                Lockdep.DisableStatistics();
            }
        }

        [Fact]
        public void TheShippedHierarchyAsMermaidAndDot()
        {
            string mermaid = LockGraph.DeclaredMermaid();
            Assert.StartsWith("flowchart TD\n", mermaid);
            Assert.Contains("    c_mmap_lock[\"mmap_lock<br/>sleeping, rank 200\"]\n", mermaid);
            Assert.Contains("    c_ptl([\"ptl<br/>spinning, rank 900\"])\n", mermaid);
            Assert.Contains("    c_rcu_read([\"rcu_read<br/>spinning, unordered\"])\n", mermaid);
            Assert.Contains("    c_i_rwsem --> c_mmap_lock\n", mermaid);
            Assert.Contains("    c_pmd_lock --> c_page_table_lock\n    c_pmd_lock --> c_ptl\n", mermaid);
            Assert.Contains("    c_ptl --> c_swap_lock\n", mermaid);
            Assert.DoesNotContain("c_rcu_read -->", mermaid);
            Assert.DoesNotContain("--> c_rcu_read", mermaid);
            Assert.Equal(14, mermaid.Split('\n').Count(line => line.Contains("[\"", StringComparison.Ordinal)));
            // The order is a chain of ranks: 13 ordered classes over 12 ranks (ptl and page_table_lock share one).
            Assert.Equal(13, mermaid.Split('\n').Count(line => line.Contains(" --> ", StringComparison.Ordinal)));

            string dot = LockGraph.DeclaredDot();
            Assert.StartsWith("digraph lock_order {\n", dot);
            Assert.Contains("    { rank=same; c_page_table_lock; c_ptl; }\n", dot);
            Assert.Contains("    c_folio_lock -> c_vma_lock [color=gray];\n", dot);
            Assert.EndsWith("}\n", dot);
        }

        [Fact]
        public void ObservedEdgesTheOrderDoesNotExplainAreDrawnApart()
        {
            using var lockdep = new LockdepScope();
            Workload(new KernelMutex(Outer), new TicketLock(Inner), new TicketLock(Free));
            var snapshot = Lockdep.Snapshot();

            string mermaid = LockGraph.ObservedMermaid(snapshot);
            Assert.Contains("    c_view_outer ==>|observed| c_view_inner\n", mermaid);
            Assert.Contains("    c_view_inner -.->|observed, not in the order| c_view_free\n", mermaid);
            string dot = LockGraph.ObservedDot(snapshot);
            Assert.Contains("c_view_inner -> c_view_free [color=red, style=dashed", dot);
            Assert.Contains("c_view_outer -> c_view_inner [color=blue", dot);
        }

        [Fact]
        public void ASessionRunsAWorkloadAndWritesTheDumpGraphAndReportsNextToTheResults()
        {
            string directory = Path.Combine(AppContext.BaseDirectory, "lockdep-artifacts", nameof(ASessionRunsAWorkloadAndWritesTheDumpGraphAndReportsNextToTheResults));
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }

            var inner = new TicketLock(Inner);
            var free = new TicketLock(Free);
            var session = LockdepSession.Run(directory, () =>
            {
                Workload(new KernelMutex(Outer), inner, free);
                free.Lock();
                inner.Lock(); // free → inner after inner → free: a circular dependency, reported not thrown
                inner.Unlock();
                free.Unlock();
            });

            Assert.False(Lockdep.Enabled);
            Assert.False(Lockdep.StatisticsEnabled);
            var report = Assert.Single(session.Reports);
            Assert.Equal(LockdepReportKind.CircularDependency, report.Kind);
            Assert.Contains("view_outer", File.ReadAllText(Path.Combine(directory, "lockdep.txt")));
            Assert.Contains("[view_inner]\n[view_free]", File.ReadAllText(Path.Combine(directory, "lockdep_chains.txt")));
            Assert.Contains("view_inner:", File.ReadAllText(Path.Combine(directory, "lock_stat.txt")));
            Assert.Contains("-.->|observed, not in the order| c_view_free", File.ReadAllText(Path.Combine(directory, "lock-order.mmd")));
            Assert.StartsWith("digraph", File.ReadAllText(Path.Combine(directory, "lock-order.dot")));
            Assert.Contains("possible circular locking dependency detected", File.ReadAllText(Path.Combine(directory, "lockdep-reports.txt")));
        }
    }
}
