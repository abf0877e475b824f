using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>What a local says of a lock: the lock it names, the guard it holds, the flag that says a lock was taken.</summary>
    internal struct LockLocals : IFactTable<LockLocals>
    {
        /// <summary>
        /// Locals that name a lock (<c>var l = mm.MmapLock</c>, <c>var ptl = pmd.Lock()</c>): taking or releasing the
        /// local takes or releases that lock (after Clang's LocalVariableMap). A local of a lock class whose lock has no
        /// known identity (<c>MapNoLock(out var ptl)</c>) keeps its own identity and inherits the class.
        /// </summary>
        public LazyMap<ISymbol, LockAlias> Aliases;

        /// <summary>Locals that hold a scoped guard: the lock it releases when disposed.</summary>
        public LazyMap<ISymbol, ScopeGuard> Guards;

        /// <summary>
        /// Bool locals that say whether a lock was taken (<c>Monitor.Enter(x, ref taken)</c>, <c>bool ok = Monitor.TryEnter(x)</c>),
        /// with what a branch on one decided (<c>if (taken) …</c> in a try, then <c>if (taken) Monitor.Exit(x)</c> in its finally).
        /// </summary>
        public LazyMap<ISymbol, TakenFlag> TakenFlags;

        public void CopyFrom(in LockLocals from)
        {
            Aliases = from.Aliases.Clone();
            Guards = from.Guards.Clone();
            TakenFlags = from.TakenFlags.Clone();
        }

        /// <summary>What the paths agree on: an alias that differs between them names no one lock.</summary>
        public bool JoinWith(in LockLocals other) =>
            JoinFlags(other.TakenFlags) |
            TableJoins.KeepAgreed(ref Guards, other.Guards) |
            TableJoins.KeepAgreed(ref Aliases, other.Aliases);

        public void Forget(ControlFlowRegion region)
        {
            TableJoins.ForgetLocals(ref Aliases, region);
            foreach (var local in region.Locals)
            {
                ForgetMentioning(local); // a lock named through a local whose scope ends is named through nothing
            }

            TableJoins.ForgetLocals(ref TakenFlags, region);
            TableJoins.ForgetLocals(ref Guards, region);
        }

        public void ForgetDead(DeadVariables dead)
        {
            TableJoins.ForgetDead(ref Aliases, dead);
            TableJoins.ForgetDead(ref TakenFlags, dead);
            TableJoins.ForgetDead(ref Guards, dead);
        }

        /// <summary>A flag both paths keep for the same lock stays, decided only where both decided alike.</summary>
        private bool JoinFlags(in LazyMap<ISymbol, TakenFlag> theirs)
        {
            // Joins run on every edge and mostly change nothing: look first, allocate only for what changes.
            List<(ISymbol Local, TakenFlag? Kept)>? changes = null;
            foreach (var pair in TakenFlags.Pairs)
            {
                if (!theirs.TryGetValue(pair.Key, out var other) || !other.Lock.Equals(pair.Value.Lock) || other.TakenWhen != pair.Value.TakenWhen)
                {
                    (changes ??= new List<(ISymbol, TakenFlag?)>()).Add((pair.Key, null));
                }
                else if (pair.Value.Decided != null && other.Decided != pair.Value.Decided)
                {
                    (changes ??= new List<(ISymbol, TakenFlag?)>()).Add((pair.Key, pair.Value.Deciding(null)));
                }
            }

            if (changes is null)
            {
                return false;
            }

            foreach (var (local, kept) in changes)
            {
                if (kept is { } flag)
                {
                    TakenFlags[local] = flag;
                }
                else
                {
                    TakenFlags.Remove(local);
                }
            }

            return true;
        }

        /// <summary>
        /// <paramref name="variable"/> was written: aliases whose lock it roots or indexes (<c>l = mm.MmapLock</c>, then
        /// <c>mm = other</c>) name another lock now, and nothing is known of it.
        /// </summary>
        public void ForgetMentioning(ISymbol variable)
        {
            if (Aliases.Count == 0)
            {
                return;
            }

            foreach (var local in Aliases.KeyList())
            {
                Aliases.TryGetValue(local, out var alias);
                if (alias.Target != null && alias.Target.Mentions(variable))
                {
                    Aliases.Remove(local);
                }
            }
        }
    }
}
