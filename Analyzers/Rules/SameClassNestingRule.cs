using System;
using KernelDiscipline.Analyzers.Engine;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Rules
{
    /// <summary>KD202: two locks of one class nested without the ordering helper or a nesting annotation.</summary>
    internal static class SameClassNestingRule
    {
        public static void Report(Findings findings, Action<Diagnostic> report) =>
            RuleText.ReportLocks(findings, LockProblem.SameClass, report, finding => Diagnostic.Create(
                Descriptors.KD202SameClassNesting,
                finding.At.GetLocation(),
                new[] { finding.Held!.Value.Site.GetLocation() },
                RuleText.Shorten(finding.At),
                RuleText.Class(finding.Class),
                RuleText.Line(finding.Held.Value.Site)));
    }
}
