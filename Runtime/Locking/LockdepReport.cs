using System;
using System.Collections.Generic;

namespace KernelDiscipline.Runtime
{
    /// <summary>The kinds of problem lockdep reports.</summary>
    public enum LockdepReportKind
    {
        /// <summary>Taking the lock closes a cycle in the observed dependency graph (AB/BA across threads).</summary>
        CircularDependency,

        /// <summary>Taking the lock contradicts the declared order of lock classes.</summary>
        OrderViolation,

        /// <summary>A lock of a class already held is taken again (same instance, or same class without a nesting annotation).</summary>
        RecursiveLocking,

        /// <summary>A sleeping lock is taken while a spinning lock is held or a lockless map is live.</summary>
        SleepInAtomic,

        /// <summary>A lock is released that this thread does not hold.</summary>
        UnlockNotHeld,

        /// <summary>
        /// A lock is released in the other mode than this thread holds it in (an rw semaphore taken for read and
        /// released as a writer, or the reverse). Lockdep keeps the lock on the thread's held stack.
        /// </summary>
        ReleaseModeMismatch,
    }

    /// <summary>Where a lock was taken (or released), and in which mode.</summary>
    public readonly struct LockSite
    {
        internal LockSite(LockClass lockClass, int subclass, string file, int line, int thread, bool shared = false, bool hasReadSide = false)
        {
            Class = lockClass;
            Subclass = subclass;
            File = file;
            Line = line;
            Thread = thread;
            Shared = shared;
            HasReadSide = hasReadSide;
        }

        /// <summary>The lock class.</summary>
        public LockClass Class { get; }

        /// <summary>The nesting subclass (0 unless taken with a nesting annotation).</summary>
        public int Subclass { get; }

        /// <summary>Source file of the acquisition.</summary>
        public string File { get; }

        /// <summary>Source line of the acquisition.</summary>
        public int Line { get; }

        /// <summary>Managed thread id.</summary>
        public int Thread { get; }

        /// <summary>True when the lock was taken (or released) for read, the shared side of an rw semaphore; false for write or a plain lock.</summary>
        public bool Shared { get; }

        /// <summary>Whether the lock has a read side at all (an rw semaphore): then its exclusive sites are "for write".</summary>
        internal bool HasReadSide { get; }

        /// <summary>The mode as reports print it: "read", "write", or null for a lock that has only one.</summary>
        internal string? Mode => Shared ? "read" : HasReadSide ? "write" : null;

        /// <summary>The same site with its thread filled in (held entries leave it 0: they are the reporting thread's).</summary>
        internal LockSite OnThread(int thread) => Thread != 0 ? this : At(File, Line, thread);

        /// <summary>The same lock and mode at another place (a report names the caller's line, not the wrapper's).</summary>
        internal LockSite At(string file, int line, int thread) => new LockSite(Class, Subclass, file, line, thread, Shared, HasReadSide);

        /// <summary>The class with its subclass, as lockdep prints it: <c>(ptl)</c> or <c>(ptl/1)</c>.</summary>
        public string Name => Subclass == 0 ? $"({Class.Name})" : $"({Class.Name}/{Subclass})";

        /// <inheritdoc />
        public override string ToString() => $"{Name} at {System.IO.Path.GetFileName(File)}:{Line}";
    }

    /// <summary>A lockdep finding with the kernel-style text.</summary>
    public sealed class LockdepReport
    {
        internal LockdepReport(LockdepReportKind kind, LockSite acquiring, LockSite? held, IReadOnlyList<LockSite> chain, string text)
        {
            Kind = kind;
            Acquiring = acquiring;
            Held = held;
            Chain = chain;
            Text = text;
        }

        /// <summary>What went wrong.</summary>
        public LockdepReportKind Kind { get; }

        /// <summary>
        /// The lock being taken (or released, for <see cref="LockdepReportKind.UnlockNotHeld"/> and
        /// <see cref="LockdepReportKind.ReleaseModeMismatch"/>), with the mode of that operation in <see cref="LockSite.Shared"/>.
        /// </summary>
        public LockSite Acquiring { get; }

        /// <summary>The held lock that conflicts, if any, with the mode it is held in.</summary>
        public LockSite? Held { get; }

        /// <summary>For a cycle: the earlier dependency chain, from the new lock back to the held one.</summary>
        public IReadOnlyList<LockSite> Chain { get; }

        /// <summary>The managed id of the thread that made the report.</summary>
        public int ThreadId { get; internal init; }

        /// <summary>That thread's name, when it has one.</summary>
        public string? ThreadName { get; internal init; }

        /// <summary>A short stack from the caller's frame (outside the Runtime and annotated lock wrappers) outward.</summary>
        public IReadOnlyList<string> Stack { get; internal init; } = Array.Empty<string>();

        /// <summary>The report, laid out like the kernel's.</summary>
        public string Text { get; }

        /// <inheritdoc />
        public override string ToString() => Text;
    }
}
