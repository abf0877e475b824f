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
                Descriptors.DoubleAcquire(RuleText.Class(finding.Class), RuleText.Line(finding.Held.Value.Site),
                    finding.Held.Value.Mode == LockMode.Shared, finding.Mode == LockMode.Shared)));
            RuleText.ReportLocks(findings, LockProblem.WrongModeRelease, report, finding => Diagnostic.Create(
                Descriptors.KD204LockBalance,
                finding.At.GetLocation(),
                new[] { finding.Held!.Value.Site.GetLocation() },
                RuleText.Shorten(finding.At),
                Descriptors.WrongModeRelease(RuleText.Class(finding.Class), RuleText.Line(finding.Held.Value.Site), finding.Held.Value.Mode == LockMode.Shared)));
            RuleText.ReportLocks(findings, LockProblem.MixedModes, report, finding =>
            {
                var held = finding.Held!.Value;
                var other = held.OtherModeSite ?? held.Site;
                var (read, write) = held.SiteMode == LockMode.Shared ? (held.Site, other) : (other, held.Site);
                return Diagnostic.Create(
                    Descriptors.KD204LockBalance,
                    finding.At.GetLocation(),
                    new[] { read.GetLocation(), write.GetLocation() },
                    RuleText.Shorten(finding.At),
                    Descriptors.MixedModes(RuleText.Class(finding.Class), RuleText.Line(read), RuleText.Line(write)));
            });
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
