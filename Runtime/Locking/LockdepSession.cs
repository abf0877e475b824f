using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace KernelDiscipline.Runtime
{
    /// <summary>
    /// Lockdep on for a workload, with the picture written out afterwards: <c>LockdepSession.Run(dir, () => …)</c>
    /// resets lockdep, turns validation and statistics on, collects reports instead of throwing, runs the workload,
    /// and writes into <c>dir</c> the dump (<c>lockdep.txt</c>, <c>lockdep_chains.txt</c>, <c>lock_stat.txt</c>), the
    /// reports (<c>lockdep-reports.txt</c>) and the graph (<c>lock-order.mmd</c>, <c>lock-order.dot</c>): put it next
    /// to the test results, and a failing CI job carries what the locks did.
    /// </summary>
    public sealed class LockdepSession : IDisposable
    {
        private readonly string? directory;
        private readonly bool wasEnabled;
        private readonly bool hadStatistics;
        [PtGuardedBy(nameof(reports))] // its own monitor: the sink may run on any thread that takes a lock
        private readonly List<LockdepReport> reports = new List<LockdepReport>();
        private LockdepSnapshot? final;

        private LockdepSession(string? directory)
        {
            this.directory = directory;
            wasEnabled = Lockdep.Enabled;
            hadStatistics = Lockdep.StatisticsEnabled;
            Lockdep.Reset();
            Lockdep.Enable(Collect);
            Lockdep.EnableStatistics();
        }

        /// <summary>The reports so far (a session collects them rather than throwing).</summary>
        public IReadOnlyList<LockdepReport> Reports
        {
            get
            {
                lock (reports)
                {
                    return reports.ToArray();
                }
            }
        }

        /// <summary>Starts a session; <paramref name="directory"/> (created if needed) receives the files when it is disposed.</summary>
        public static LockdepSession Start(string? directory = null) => new LockdepSession(directory);

        /// <summary>Runs <paramref name="workload"/> in a session writing into <paramref name="directory"/>; returns the finished session.</summary>
        public static LockdepSession Run(string directory, Action workload)
        {
            if (workload is null)
            {
                throw new ArgumentNullException(nameof(workload));
            }

            var session = Start(directory);
            try
            {
                workload();
            }
            finally
            {
                session.Dispose();
            }

            return session;
        }

        /// <summary>What lockdep has seen in this session (after <see cref="Dispose"/>: what it had seen at the end).</summary>
        public LockdepSnapshot Snapshot() => final ?? Lockdep.Snapshot();

        /// <summary>Writes the files, and puts lockdep back as it was (off, unless it was on before).</summary>
        public void Dispose()
        {
            if (final != null)
            {
                return;
            }

            final = Lockdep.Snapshot();
            if (!hadStatistics)
            {
                Lockdep.DisableStatistics();
            }

            if (wasEnabled)
            {
                Lockdep.Enable();
            }
            else
            {
                Lockdep.Disable();
            }

            if (directory != null)
            {
                Write(directory, final, Reports);
            }
        }

        /// <summary>Writes a snapshot and reports as the session's files into <paramref name="directory"/>.</summary>
        public static void Write(string directory, LockdepSnapshot snapshot, IReadOnlyList<LockdepReport> reports)
        {
            if (snapshot is null || reports is null)
            {
                throw new ArgumentNullException(snapshot is null ? nameof(snapshot) : nameof(reports));
            }

            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, "lockdep.txt"), snapshot.FormatClasses());
            File.WriteAllText(Path.Combine(directory, "lockdep_chains.txt"), snapshot.FormatChains());
            File.WriteAllText(Path.Combine(directory, "lock_stat.txt"), snapshot.FormatStatistics());
            File.WriteAllText(Path.Combine(directory, "lock-order.mmd"), LockGraph.ObservedMermaid(snapshot));
            File.WriteAllText(Path.Combine(directory, "lock-order.dot"), LockGraph.ObservedDot(snapshot));
            var text = new StringBuilder();
            foreach (var report in reports)
            {
                text.Append(report.Text).Append("\n\n");
            }

            File.WriteAllText(Path.Combine(directory, "lockdep-reports.txt"), reports.Count == 0 ? "no reports\n" : text.ToString());
        }

        private void Collect(LockdepReport report)
        {
            lock (reports)
            {
                reports.Add(report);
            }
        }
    }
}
