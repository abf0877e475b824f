using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>KD305's half of the transfer function: lockless PMD snapshots and their re-validation under a lock.</summary>
    internal sealed partial class DataflowEngine
    {
        /// <summary>
        /// A snapshot validated (or read) here holds while the ordered spinning locks held here are held. The RCU read
        /// side of a lockless map is in no order: it keeps the table's memory, not the PMD, from changing.
        /// </summary>
        private SnapshotState ValidatedHere(FlowFacts facts)
        {
            int count = 0;
            foreach (var held in facts.Locks.Held.Values)
            {
                count += PinsThePmd(held) ? 1 : 0;
            }

            var under = count == 0 ? System.Array.Empty<Capability>() : new Capability[count];
            count = 0;
            foreach (var held in facts.Locks.Held.Values)
            {
                if (PinsThePmd(held))
                {
                    under[count++] = held.Id;
                }
            }

            return new SnapshotState(under);
        }

        private bool PinsThePmd(LockFact held) =>
            !held.May && held.Class != null && known.LockClasses.TryGetValue(held.Class, out var info) && !info.Sleeping && info.Rank != 0;

        /// <summary>Whether every one of <paramref name="locks"/> is held on every path here (none: not a validation that lasts).</summary>
        private static bool StillHeld(FlowFacts facts, Capability[] locks)
        {
            foreach (var id in locks)
            {
                if (!facts.Locks.TryGet(id, out var held) || held.May)
                {
                    return false;
                }
            }

            return locks.Length > 0;
        }

        private sealed partial class Transfer
        {
            /// <summary>
            /// KD305: a snapshot of a PMD (GetLockless) outstanding; re-validated by Same/PmdSame/MapLock under the lock;
            /// a PTE write under a lock taken after the snapshot, with no re-validation since, is recorded.
            /// </summary>
            private void Snapshots(IInvocationOperation invocation, MethodAnnotation annotation, AbstractValue receiver, AbstractValue[] arguments)
            {
                if (!(annotation.Snapshot || annotation.Revalidates || annotation.WritesPageTable))
                {
                    return;
                }

                if (invocation.Instance is null && invocation.TargetMethod.IsExtensionMethod)
                {
                    receiver = ArgumentValue(invocation, arguments, 0); // a consumer's helper on a Runtime type is an extension
                }

                var pmd = receiver.Lock;
                foreach (int site in Bits(receiver.Resources))
                {
                    pmd = engine.siteReceivers?[site] ?? pmd; // a map: its PMD
                }

                if (pmd is null)
                {
                    return;
                }

                if (annotation.Snapshot)
                {
                    // Read under a lock it is stable: nothing to re-check. A re-read does not re-check an earlier
                    // snapshot that decided something: only a comparison (Same, PmdSame) does.
                    if (!(Facts.Snapshots.Taken.TryGetValue(pmd, out var earlier) && !earlier.Validated))
                    {
                        Facts.Snapshots.Taken[pmd] = engine.SpinningHeld(Facts) ? engine.ValidatedHere(Facts) : SnapshotState.Unvalidated;
                    }
                }
                else if (annotation.Revalidates)
                {
                    Revalidated(pmd);
                }
                else if (Facts.Snapshots.Taken.TryGetValue(pmd, out var state) && !state.Validated && engine.SpinningHeld(Facts) && engine.Reporting)
                {
                    engine.findings!.UnvalidatedWrites.Add(invocation);
                }
            }

            /// <summary>A comparison under the locks held (or a MapLock, which re-checks the PMD under the PTL it takes).</summary>
            private void Revalidated(Capability pmd)
            {
                if (Facts.Snapshots.Taken.ContainsKey(pmd))
                {
                    Facts.Snapshots.Taken[pmd] = engine.ValidatedHere(Facts);
                }
            }

            /// <summary>
            /// The first argument of a KD305 helper written as an extension (consumers cannot add members to the Runtime's
            /// sealed types) is its receiver: looked at, not handed on.
            /// </summary>
            private static bool IsHelperReceiver(IInvocationOperation invocation, MethodAnnotation annotation, int argument) =>
                invocation.Instance is null && (annotation.Snapshot || annotation.Revalidates || annotation.WritesPageTable) &&
                invocation.TargetMethod.IsExtensionMethod && invocation.Arguments[argument].Parameter?.Ordinal == 0;
        }
    }
}
