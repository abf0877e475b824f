using System;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>How a lock is held. A join of paths that hold it in different modes holds it in both.</summary>
    [Flags]
    internal enum LockMode : byte
    {
        /// <summary>For write: no other holder (a spinlock, a mutex, <c>DownWrite</c>).</summary>
        Exclusive = 1,

        /// <summary>For read: other readers may hold it too (<c>DownRead</c>).</summary>
        Shared = 2,
    }

    /// <summary>Where a held lock came from: what a body may do with it, and what it owes at its exits.</summary>
    internal enum LockSource : byte
    {
        /// <summary>Taken here by a call on the lock (<c>ptl.Lock()</c>, <c>Monitor.Enter</c>, a <c>lock</c> statement).</summary>
        Acquired,

        /// <summary>Taken here on the success edge of a try-lock.</summary>
        TryAcquired,

        /// <summary>Held by a scoped guard taken here (released when the guard is disposed).</summary>
        Scoped,

        /// <summary>Left held by a callee, according to its summary.</summary>
        Summary,

        /// <summary>Held at entry: the function's [MustHold] contract, or its call sites' common locks (a local function).</summary>
        Contract,

        /// <summary>Asserted held (<c>Lockdep.AssertHeld</c>): an assumption from there on, not the function's to release.</summary>
        Asserted,

        /// <summary>
        /// Held by what an acquisition site returned (a <c>MapLock</c> result's PTL, a <c>pmd.Lock()</c>): the site's
        /// own facts judge its release (KD103), so it is not a lock-balance matter (KD204).
        /// </summary>
        Map,
    }

    /// <summary>
    /// One held lock in the lockset (after Clang's FactEntry): its identity, class, mode, source, re-entry depth and
    /// where it was taken; on every path reaching the point (must) or on some (may).
    /// </summary>
    internal readonly struct LockFact : IEquatable<LockFact>
    {
        public LockFact(Capability id, string? lockClass, LockMode mode, LockSource source, SyntaxNode site,
            bool nested = false, bool reentrant = false, int depth = 1, bool may = false, SyntaxNode? otherModeSite = null, bool reported = false, LockMode? siteMode = null,
            bool quiet = false, bool upgradeable = false, ISymbol? via = null)
        {
            Via = via;
            Quiet = quiet;
            Upgradeable = upgradeable;
            SiteMode = siteMode ?? mode;
            Id = id;
            Class = lockClass;
            Mode = mode;
            Source = source;
            Site = site;
            Nested = nested;
            Reentrant = reentrant;
            Depth = depth;
            May = may;
            OtherModeSite = otherModeSite;
            Reported = reported;
        }

        public Capability Id { get; }

        public string? Class { get; }

        public LockMode Mode { get; }

        public LockSource Source { get; }

        /// <summary>Where it was taken (for a lock held in both modes: where it was taken in the first).</summary>
        public SyntaxNode Site { get; }

        /// <summary>The mode <see cref="Site"/> took it in.</summary>
        public LockMode SiteMode { get; }

        /// <summary>For a lock held in both modes after a join: where it was taken in the other.</summary>
        public SyntaxNode? OtherModeSite { get; }

        /// <summary>Taken through a nesting annotation or an ordering helper.</summary>
        public bool Nested { get; }

        /// <summary>A lock the holding thread may take again (Monitor, System.Threading.Lock): it counts entries.</summary>
        public bool Reentrant { get; }

        /// <summary>How many times it was entered (a re-entrant lock, or a lock taken twice: each release gives one back).</summary>
        public int Depth { get; }

        /// <summary>Held on some of the paths reaching here only.</summary>
        public bool May { get; }

        /// <summary>A diagnostic was given about this lock already (taken twice): what follows from that is not reported again.</summary>
        public bool Reported { get; }

        /// <summary>
        /// A .NET lock no annotation names and no [LockClass] opts in: followed for what it protects (KD205, KD206), not
        /// checked for balance (a SemaphoreSlim may be a signal rather than a lock).
        /// </summary>
        public bool Quiet { get; }

        /// <summary>
        /// The local or parameter the lock was taken through (<c>f.Lock()</c>), if it was: where the paths that join name
        /// different locks by it, a release through it gives back whichever each path holds.
        /// </summary>
        public ISymbol? Via { get; }

        /// <summary>ReaderWriterLockSlim's upgradeable read: its holder may take the write side (an upgrade, not a self-deadlock).</summary>
        public bool Upgradeable { get; }

        public bool IsShared => Mode == LockMode.Shared;

        /// <summary>The same fact in another mode and depth (an upgradeable read upgraded to write, and back).</summary>
        public LockFact WithMode(LockMode mode, int depth) =>
            new LockFact(Id, Class, mode, Source, Site, Nested, Reentrant, depth, May, OtherModeSite, Reported, SiteMode, Quiet, Upgradeable, Via);

        public LockFact WithDepth(int depth) =>
            new LockFact(Id, Class, Mode, Source, Site, Nested, Reentrant, depth, May, OtherModeSite, Reported, SiteMode, Quiet, Upgradeable, Via);

        public LockFact AsMay() => new LockFact(Id, Class, Mode, Source, Site, Nested, Reentrant, Depth, may: true, OtherModeSite, Reported, SiteMode, Quiet, Upgradeable, Via);

        /// <summary>Held on every path after all (a branch on the flag that says it was taken).</summary>
        public LockFact AsMust() => new LockFact(Id, Class, Mode, Source, Site, Nested, Reentrant, Depth, may: false, OtherModeSite, Reported, SiteMode, Quiet, Upgradeable, Via);

        public LockFact AsReported(LockMode mode) =>
            new LockFact(Id, Class, Mode | mode, Source, Site, Nested, Reentrant, Depth, May, OtherModeSite, reported: true, SiteMode, Quiet, Upgradeable, Via);

        /// <summary>The same lock from two paths: a must only if both hold it; both modes if they differ.</summary>
        public LockFact Join(LockFact other)
        {
            var mode = Mode | other.Mode;
            var otherSite = OtherModeSite ?? (mode != Mode ? other.Site : other.OtherModeSite);
            return new LockFact(Id, Class, mode, Source, Site, Nested, Reentrant, Depth, May || other.May, otherSite, Reported || other.Reported, SiteMode, Quiet, Upgradeable, Via);
        }

        /// <summary>A must-fact joined with a path that does not hold it.</summary>
        public bool Equals(LockFact other) => Id.Equals(other.Id) && May == other.May && Mode == other.Mode && Reported == other.Reported;

        public override bool Equals(object? obj) => obj is LockFact other && Equals(other);

        public override int GetHashCode() => Id.GetHashCode();
    }
}
