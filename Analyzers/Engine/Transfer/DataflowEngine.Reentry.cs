using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// A callee's re-entry of re-entrant locks its caller holds (a helper's <c>lock (gate)</c> called under the caller's
    /// <c>lock (gate)</c>): the callee takes nothing new, so the class is checked against no order.
    /// </summary>
    internal sealed partial class DataflowEngine
    {
        /// <summary>For a summary: the class taken, as the re-entrant lock <paramref name="reentrantId"/> or (null) otherwise.</summary>
        private void NoteTake(string lockClass, Capability? reentrantId)
        {
            if (depth == 0)
            {
                return; // only a summary reads it
            }

            var takes = findings!.TakenAs ??= new Dictionary<string, List<Capability>?>();
            if (!takes.TryGetValue(lockClass, out var ids))
            {
                takes[lockClass] = reentrantId is null ? null : new List<Capability> { reentrantId };
            }
            else if (ids != null && reentrantId is null)
            {
                takes[lockClass] = null;
            }
            else if (ids != null && !ids.Contains(reentrantId!))
            {
                ids.Add(reentrantId!);
            }
        }

        private sealed partial class Transfer
        {
            /// <summary>
            /// The caller's names of the re-entrant locks through which the callee takes <paramref name="lockClass"/>, or
            /// null when it takes the class otherwise or the caller cannot name one of them.
            /// </summary>
            private List<Capability>? Reentries(IInvocationOperation invocation, LockSummary summary, string lockClass, AbstractValue receiver)
            {
                if (summary.Reentries is null || !summary.Reentries.TryGetValue(lockClass, out var callee))
                {
                    return null;
                }

                var inCaller = new List<Capability>(callee.Count);
                foreach (var id in callee)
                {
                    if (InCaller(invocation, id, receiver) is not { } mine)
                    {
                        return null;
                    }

                    inCaller.Add(mine);
                }

                return inCaller;
            }

            /// <summary>
            /// The callee takes <paramref name="lockClass"/> through <paramref name="reentries"/> only: held here on every
            /// path, each is entered again and the order is not asked; otherwise it is checked as any acquisition.
            /// </summary>
            private void Reenter(string lockClass, List<Capability> reentries, SyntaxNode site)
            {
                bool reentered = true;
                foreach (var id in reentries)
                {
                    reentered &= Facts.Locks.TryGet(id, out var held) && held.Reentrant && !held.May;
                }

                if (!reentered)
                {
                    engine.CheckAcquire(Facts, null, lockClass, nested: false, site, noted: true);
                }
                else if (engine.Reporting)
                {
                    engine.findings!.AcquiredClasses.Add(lockClass);
                }

                if (engine.Reporting)
                {
                    foreach (var id in reentries)
                    {
                        engine.NoteTake(lockClass, id);
                    }
                }
            }
        }
    }
}
