using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// The one way into the lockset (<see cref="AddLock"/>) and the one way out (<see cref="RemoveLock"/>), with the checks
    /// that belong to taking and releasing: taken twice, released when not held, released in the other mode, order,
    /// same-class nesting and sleeping (KD201–KD204). Every acquisition — Runtime calls, wrappers, summaries, <c>lock</c>,
    /// Monitor, System.Threading.Lock, guards, try-locks on their success edge, an acquisition site's result — and every
    /// release comes through here.
    /// </summary>
    internal sealed partial class DataflowEngine
    {
        /// <summary>How a lock leaves the lockset.</summary>
        private enum Removal
        {
            /// <summary>Released by a call (Unlock, Exit, a guard's Dispose): checked and recorded.</summary>
            Release,

            /// <summary>Released by an idempotent call (<c>Dispose</c> after an early <c>Unlock</c>): nothing to report.</summary>
            Dispose,

            /// <summary>One entry that was not taken after all (a taken flag that is false) or is handed on: no release to record.</summary>
            Drop,

            /// <summary>The identity no longer names what was held (a null result, a map handed on, a site's new result): every entry goes, unrecorded.</summary>
            Forget,
        }

        /// <summary>Whether the analysed function hands locks to its caller by contract ([Acquires]/[TryAcquires]).</summary>
        private bool FunctionAcquires => function != null && known.Annotation(function) is { } annotation &&
            (annotation.AcquiresReceiver || annotation.AcquiresArguments || annotation.TryAcquiresReceiver || annotation.AcquiresReturn);

        /// <summary>
        /// Takes <paramref name="fact"/>'s lock. <paramref name="checkClasses"/>: check order, nesting and sleeping here
        /// (a callee's summary has its classes checked one by one instead). A non-re-entrant lock taken again is reported
        /// here, once, and counted as entered twice, so that its two releases balance.
        /// </summary>
        private void AddLock(FlowFacts facts, LockFact fact, bool checkClasses = true)
        {
            if (fact.Source is LockSource.Acquired or LockSource.Scoped or LockSource.Map)
            {
                SnapshotsNeedRevalidation(facts);
            }

            bool held = facts.Locks.TryGet(fact.Id, out var already);
            if (!held && fact.Source is LockSource.Acquired or LockSource.Scoped && !fact.Reentrant && !fact.Quiet &&
                SiteNamedBy(facts, fact.Id) is int named && facts.Locks.TryGet(siteList[named].Capability, out var returned) && !returned.May)
            {
                // `pmd.LockPointer.Lock()` while `pmd.Lock()`'s result is held: the same lock, taken again.
                TakenAgainByName(facts, fact, returned);
                return;
            }

            if (held && already.Reentrant && fact.Reentrant && already.Mode == fact.Mode)
            {
                facts.Locks.Held[fact.Id] = already.WithDepth(already.Depth + 1); // legal re-entry: nothing new is taken
                return;
            }

            if (held && already.Upgradeable && already.Mode == LockMode.Shared && fact.Mode == LockMode.Exclusive)
            {
                facts.Locks.Held[fact.Id] = already.WithMode(LockMode.Exclusive, already.Depth + 1); // an upgradeable read takes the write side
                return;
            }

            // A site's result is a new object on each pass through it: what its last pass left held is another lock.
            bool again = held && !(fact.Source == LockSource.Map && already.Source == LockSource.Map);
            if (checkClasses)
            {
                CheckAcquire(facts, fact.Source == LockSource.Map ? null : fact.Id, fact.Class, fact.Nested, fact.Site,
                    reentrantId: fact.Reentrant && fact.Source != LockSource.Map ? fact.Id : null);
            }

            if (again && fact.Source == LockSource.TryAcquired)
            {
                facts.Locks.Held[fact.Id] = already.WithDepth(already.Depth + 1);
                return;
            }

            if (again)
            {
                if (!already.Reported && !already.Quiet && !fact.Quiet)
                {
                    LockFinding(new LockFinding(LockProblem.DoubleAcquire, fact.Site, fact.Class ?? already.Class, already, mode: fact.Mode));
                }

                facts.Locks.Held[fact.Id] = already.AsReported(fact.Mode).WithDepth(already.Depth + 1);
                return;
            }

            facts.Locks.Held[fact.Id] = fact;
            facts.Locks.Released.Remove(fact.Id);
        }

        /// <summary>
        /// A lock taken while it is held under its other name (a returned lock's, <see cref="SiteFacts.Names"/>): the
        /// thread waits for itself. Reported once, at the second acquisition; both entries are kept, so that each name's
        /// release balances its own, and no order or nesting check applies (it is no nesting).
        /// </summary>
        private void TakenAgainByName(FlowFacts facts, LockFact fact, LockFact heldFirst)
        {
            if (!heldFirst.Reported)
            {
                LockFinding(new LockFinding(LockProblem.DoubleAcquire, fact.Site, fact.Class ?? heldFirst.Class, heldFirst, mode: fact.Mode));
            }

            facts.Locks.Held[heldFirst.Id] = heldFirst.AsReported(heldFirst.Mode);
            facts.Locks.Held[fact.Id] = fact.AsReported(fact.Mode);
            facts.Locks.Released.Remove(fact.Id);
        }

        /// <summary>
        /// Gives back one entry of lock <paramref name="id"/> taken in <paramref name="mode"/>; false while the lock is
        /// still held (entered more than once). Releasing what is not held is reported when this body released it on
        /// every path already; a lock this body never took is its caller's (a summary records it).
        /// </summary>
        private bool RemoveLock(FlowFacts facts, Capability? id, LockMode mode, SyntaxNode at, Removal how, bool quiet = false)
        {
            if (id is null)
            {
                return true;
            }

            if (facts.Locks.TryGet(id, out var held))
            {
                if (held.Upgradeable && held.Mode == LockMode.Exclusive && mode == LockMode.Exclusive && held.Depth > 1)
                {
                    facts.Locks.Held[id] = held.WithMode(LockMode.Shared, held.Depth - 1); // the write side given back: the upgradeable read is left
                    return false;
                }

                if (how == Removal.Release && !held.Reported && !held.Quiet)
                {
                    CheckReleaseMode(held, mode, at);
                }

                if (held.Depth > 1 && how != Removal.Forget)
                {
                    facts.Locks.Held[id] = held.WithDepth(held.Depth - 1); // leaves one level of a re-entered lock
                    return false;
                }

                facts.Locks.Held.Remove(id);
                if (how is not (Removal.Drop or Removal.Forget))
                {
                    facts.Locks.Released[id] = at;
                }

                return true;
            }

            if (how != Removal.Release)
            {
                return true;
            }

            if (facts.Locks.Released.TryGetValue(id, out var earlier) && !quiet)
            {
                // Released on every path already; a lock this body never took is the caller's business.
                LockFinding(new LockFinding(LockProblem.DoubleRelease, at, null, null, earlier));
            }
            else if (Reporting)
            {
                findings!.UnownedReleases.Add((id, mode));
            }

            return true;
        }

        /// <summary>KD204: released in the other mode than it was taken, or held in both modes on the paths that join here.</summary>
        private void CheckReleaseMode(LockFact held, LockMode mode, SyntaxNode at)
        {
            if (held.Mode == (LockMode.Shared | LockMode.Exclusive))
            {
                LockFinding(new LockFinding(LockProblem.MixedModes, at, held.Class, held, held.OtherModeSite, mode: mode));
            }
            else if (held.Mode != mode)
            {
                LockFinding(new LockFinding(LockProblem.WrongModeRelease, at, held.Class, held, mode: mode));
            }
        }

        /// <summary>
        /// KD201–KD203 at an acquisition, against every lock held. <paramref name="id"/> null: the acquisition names no
        /// object (a callee's summary, an acquisition site's result), so it is checked against every held lock, itself
        /// included. A sleeping lock under a spinning one is KD203 only: one diagnostic, whose fix (try-lock, drop,
        /// retry) also restores the order. <paramref name="reentrantId"/>: the re-entrant lock taken, for a summary
        /// (<paramref name="noted"/>: the caller records what was taken itself).
        /// </summary>
        private void CheckAcquire(FlowFacts facts, Capability? id, string? lockClass, bool nested, SyntaxNode site, Capability? reentrantId = null, bool noted = false)
        {
            var classes = known.LockClasses;
            var info = lockClass != null && classes.TryGetValue(lockClass, out var found) ? found : null;
            if (Reporting && lockClass != null)
            {
                findings!.AcquiredClasses.Add(lockClass);
                if (!noted)
                {
                    NoteTake(lockClass, reentrantId);
                }

                if (info?.Sleeping == true)
                {
                    findings.MightSleep = true;
                }
            }

            bool sameClassReported = false, orderReported = false;
            foreach (var held in facts.Locks.Held.Values)
            {
                if ((id != null && held.Id.Equals(id)) || info is null || held.Class is null || !classes.TryGetValue(held.Class, out var heldInfo))
                {
                    continue;
                }

                // A re-entrant lock of the class may be this very lock entered again (a summary names no object).
                if (held.Class == lockClass && info.Rank != 0 && !nested && !held.Nested && !sameClassReported && !(held.Reentrant && id is null))
                {
                    sameClassReported = true;
                    LockFinding(new LockFinding(LockProblem.SameClass, site, lockClass, held));
                }
                else if (info.MustPrecede(heldInfo) && !orderReported && !(info.Sleeping && !heldInfo.Sleeping))
                {
                    orderReported = true;
                    LockFinding(new LockFinding(LockProblem.Order, site, lockClass, held));
                }
            }

            if (info?.Sleeping == true)
            {
                CheckSleep(facts, lockClass, site);
            }
        }

        /// <summary>KD203: something that may sleep while a spinning lock (or a live lockless map) is held.</summary>
        private void CheckSleep(FlowFacts facts, string? lockClass, SyntaxNode site, bool atAwait = false)
        {
            LockFact? first = null;
            int spinning = 0;
            foreach (var held in facts.Locks.Held.Values)
            {
                if (IsSpinning(held))
                {
                    first ??= held;
                    spinning++;
                }
            }

            if (first is { } reported)
            {
                LockFinding(new LockFinding(LockProblem.SleepInAtomic, site, lockClass, reported, spinningHeld: spinning, heldRelease: ReleaseOf(facts, reported), atAwait: atAwait));
            }
        }

        /// <summary>
        /// A held lock of a spinning class, or a TicketLock that names no class (a field without [LockClass]): the
        /// context is atomic while it is held.
        /// </summary>
        private bool IsSpinning(LockFact held) => held.Class is null
            ? !held.Reentrant && known.TicketLock != null && SymbolEqualityComparer.Default.Equals(KnownSymbols.TypeOf(held.Id.Symbol), known.TicketLock) // not `lock (ticket)`: a monitor
            : known.LockClasses.TryGetValue(held.Class, out var info) && !info.Sleeping;

        /// <summary>Whether a spinning lock is held on <paramref name="facts"/>' paths.</summary>
        private bool SpinningHeld(FlowFacts facts)
        {
            foreach (var held in facts.Locks.Held.Values)
            {
                if (IsSpinning(held))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The statement that releases a held map or lock returned by an acquisition, through the variable holding it.</summary>
        private string? ReleaseOf(FlowFacts facts, LockFact held)
        {
            if (held.Id.Kind != CapabilityKind.Site || siteList[held.Id.Site].Annotation.ReleaseMethodName is not { } release)
            {
                return null;
            }

            foreach (var pair in facts.Sites.Vars.Pairs)
            {
                if (pair.Value.Contains(held.Id.Site) && pair.Key.Member is null)
                {
                    return pair.Key.Text + "." + release + "()";
                }
            }

            return null;
        }

        /// <summary>
        /// A lock taken after a snapshot: what the snapshot decided must be re-checked under it, unless it was validated
        /// under locks still held (the PMD cannot have changed since).
        /// </summary>
        private static void SnapshotsNeedRevalidation(FlowFacts facts)
        {
            if (facts.Snapshots.Taken.Count == 0)
            {
                return;
            }

            foreach (var id in facts.Snapshots.Taken.KeyList())
            {
                facts.Snapshots.Taken.TryGetValue(id, out var state);
                if (state.Validated && !StillHeld(facts, state.Under))
                {
                    facts.Snapshots.Taken[id] = SnapshotState.Unvalidated;
                }
            }
        }

        /// <summary>A map or lock an acquisition site returned ([Fallible], [Acquires] on the return): what an Unlock or Dispose ends.</summary>
        private bool ReleasedByUnlock(int site) => siteList[site].Annotation is { } annotation && (annotation.Fallible || annotation.AcquiresReturn);

        /// <summary>Whether one of the sites a value may be is released by an Unlock or Dispose of it.</summary>
        private bool ReleasedByUnlock(SiteSet resources)
        {
            foreach (int site in resources)
            {
                if (ReleasedByUnlock(site))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A path leaves the body: locks this body took and still holds are unbalanced (KD204).</summary>
        private void CheckLocksAtExit(FlowFacts facts)
        {
            foreach (var held in facts.Locks.Held.Values)
            {
                if (held.Class != null && IsOwnedHere(held))
                {
                    findings!.HeldClassesAtSomeExit.Add(held.Class);
                }
            }

            // For this function's summary: the locks held (on every path) at every exit.
            if (heldAtEveryExit is null)
            {
                heldAtEveryExit = new Dictionary<Capability, LockFact>();
                foreach (var held in facts.Locks.Held.Values)
                {
                    if (!held.May && IsOwnedHere(held))
                    {
                        heldAtEveryExit[held.Id] = held;
                    }
                }
            }
            else
            {
                foreach (var id in new List<Capability>(heldAtEveryExit.Keys))
                {
                    if (!facts.Locks.TryGet(id, out var held) || held.May)
                    {
                        heldAtEveryExit.Remove(id);
                    }
                }
            }

            if (FunctionAcquires || depth > 0)
            {
                return;
            }

            foreach (var held in facts.Locks.Held.Values)
            {
                // A lock taken twice was reported there: the thread never gets past it, so what it leaves is not new.
                if (IsOwnedHere(held) && !held.Reported && !held.Quiet)
                {
                    findings!.Locks.Add(new LockFinding(LockProblem.HeldAtExit, held.Site, held.Class, held));
                }
            }
        }

        /// <summary>
        /// A lock this body answers for at its exits: not a site's (KD103's), not its callers' (held by contract, or
        /// taken again after it gave one back), not an assumption.
        /// </summary>
        private bool IsOwnedHere(LockFact held)
        {
            if (held.Source is LockSource.Map or LockSource.Contract or LockSource.Asserted)
            {
                return false;
            }

            if (function != null && known.HasContracts)
            {
                foreach (var contract in known.ContractOf(function).MustHold)
                {
                    if (held.Id.Equals(contract.Lock))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        private void LockFinding(LockFinding finding)
        {
            if (Reporting)
            {
                findings!.Locks.Add(finding);
            }
        }
    }
}
