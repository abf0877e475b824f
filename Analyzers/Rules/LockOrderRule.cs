using System;
using KernelDiscipline.Analyzers.Engine;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Rules
{
    /// <summary>KD201: a lock taken while a lock the declared order puts after it is held.</summary>
    internal static class LockOrderRule
    {
        public static void Report(Findings findings, Action<Diagnostic> report) =>
            RuleText.ReportLocks(findings, LockProblem.Order, report, finding => Diagnostic.Create(
                Descriptors.KD201LockOrder,
                finding.At.GetLocation(),
                new[] { finding.Held!.Value.Site.GetLocation() },
                RuleText.Shorten(finding.At),
                RuleText.Class(finding.Class),
                RuleText.Class(finding.Held.Value.Class),
                RuleText.Line(finding.Held.Value.Site)));
    }
}
