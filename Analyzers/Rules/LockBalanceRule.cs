using System;
using KernelDiscipline.Analyzers.Engine;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Rules
{
    /// <summary>KD204: a lock taken twice, released twice, or still held when the method returns.</summary>
    internal static class LockBalanceRule
    {
        public static void Report(Findings findings, Action<Diagnostic> report)
        {
            RuleText.ReportLocks(findings, LockProblem.DoubleAcquire, report, finding => Diagnostic.Create(
                Descriptors.KD204LockBalance,
                finding.At.GetLocation(),
                new[] { finding.Held!.Value.Site.GetLocation() },
                RuleText.Shorten(finding.At),
                Descriptors.DoubleAcquire(RuleText.Class(finding.Class), RuleText.Line(finding.Held.Value.Site))));
            RuleText.ReportLocks(findings, LockProblem.DoubleRelease, report, finding => Diagnostic.Create(
                Descriptors.KD204LockBalance,
                finding.At.GetLocation(),
                new[] { finding.Earlier!.GetLocation() },
                RuleText.Shorten(finding.At),
                Descriptors.DoubleRelease(RuleText.Line(finding.Earlier!))));

            // One report per acquisition: "on some paths" if any exit holds it only maybe.
            var mayAt = new System.Collections.Generic.HashSet<SyntaxNode>();
            foreach (var finding in findings.Locks)
            {
                if (finding.Problem == LockProblem.HeldAtExit && finding.Held!.Value.May)
                {
                    mayAt.Add(finding.At);
                }
            }

            RuleText.ReportLocks(findings, LockProblem.HeldAtExit, report, finding => Diagnostic.Create(
                Descriptors.KD204LockBalance,
                finding.At.GetLocation(),
                RuleText.Shorten(finding.At),
                Descriptors.HeldAtExit(RuleText.Class(finding.Class), mayAt.Contains(finding.At))));
        }
    }
}
