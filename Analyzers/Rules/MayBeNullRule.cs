using System;
using System.Collections.Generic;
using KernelDiscipline.Analyzers.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Rules
{
    /// <summary>KD101: a fallible result used where it may be null (dereferenced, passed on, '!'-suppressed, discarded).</summary>
    internal static class MayBeNullRule
    {
        public static void Report(Findings findings, Action<Diagnostic> report)
        {
            // One diagnostic per acquisition: the first unchecked use. One null check fixes them all.
            var reported = new HashSet<AcquireSite>();
            foreach (var use in findings.Uses)
            {
                if (use.Kind == UseKind.AfterRelease || !reported.Add(use.Site))
                {
                    continue;
                }

                string how = use.Kind switch
                {
                    UseKind.PassedOn => "is passed on",
                    UseKind.Suppressed => "is null-forgiven with '!'",
                    UseKind.Discarded => "is discarded",
                    _ => "is dereferenced",
                };
                report(Diagnostic.Create(
                    Descriptors.KD101MayBeNull,
                    Location(use).GetLocation(),
                    new[] { use.Site.Invocation.Syntax.GetLocation() },
                    RuleText.Call(use.Site),
                    how));
            }
        }

        private static SyntaxNode Location(UseFinding use) => use.Operation switch
        {
            IInvocationOperation { Instance: { } instance } when use.Kind == UseKind.Dereferenced => instance.Syntax,
            IMemberReferenceOperation { Instance: { } instance } when use.Kind == UseKind.Dereferenced => instance.Syntax,
            _ when use.Kind == UseKind.Suppressed => use.Operation.Syntax.Parent ?? use.Operation.Syntax,
            _ => use.Operation.Syntax,
        };
    }
}
