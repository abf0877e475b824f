using System;
using System.Collections.Generic;
using KernelDiscipline.Analyzers.Engine;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Rules
{
    /// <summary>
    /// KD305: a page-table write under a lock taken after a lockless snapshot of the same PMD (<c>GetLockless</c>),
    /// with no re-validation (<c>Same</c>, <c>PmdSame</c>, or a <c>MapLock</c> of that PMD) since the lock was taken.
    /// </summary>
    internal static class SnapshotRevalidationRule
    {
        public static void Report(Findings findings, Action<Diagnostic> report)
        {
            var seen = new HashSet<SyntaxNode>();
            foreach (var write in findings.UnvalidatedWrites)
            {
                if (seen.Add(write.Syntax))
                {
                    report(Diagnostic.Create(Descriptors.KD305SnapshotRevalidation, write.Syntax.GetLocation(), RuleText.Shorten(write.Syntax)));
                }
            }
        }
    }
}
