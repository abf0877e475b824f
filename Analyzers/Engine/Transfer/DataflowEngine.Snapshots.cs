using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>KD305's half of the transfer function: lockless PMD snapshots and their re-validation under a lock.</summary>
    internal sealed partial class DataflowEngine
    {
        private sealed partial class Transfer
        {
            /// <summary>
            /// KD305: a snapshot of a PMD (GetLockless) outstanding; re-validated by Same/PmdSame/MapLock under the lock;
            /// a PTE write under a lock taken after the snapshot, with no re-validation since, is recorded.
            /// </summary>
            private void Snapshots(IInvocationOperation invocation, MethodAnnotation annotation, AbstractValue receiver)
            {
                if (!(annotation.Snapshot || annotation.Revalidates || annotation.WritesPageTable))
                {
                    return;
                }

                var pmd = receiver.Lock;
                foreach (int site in Bits(receiver.Resources))
                {
                    pmd = engine.siteReceivers.TryGetValue(site, out var key) ? key : pmd; // a map: its PMD
                }

                if (pmd is null)
                {
                    return;
                }

                if (annotation.Snapshot)
                {
                    Facts.Snapshots.Taken[pmd] = engine.SpinningHeld(Facts); // read under a lock it is stable: nothing to re-check
                }
                else if (annotation.Revalidates)
                {
                    if (Facts.Snapshots.Taken.ContainsKey(pmd))
                    {
                        Facts.Snapshots.Taken[pmd] = true;
                    }
                }
                else if (Facts.Snapshots.Taken.TryGetValue(pmd, out bool validated) && !validated && engine.SpinningHeld(Facts) && engine.Reporting)
                {
                    engine.findings!.UnvalidatedWrites.Add(invocation);
                }
            }
        }
    }
}
