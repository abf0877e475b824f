using System.Text.RegularExpressions;
using KernelDiscipline.Analyzers.Engine;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Rules
{
    /// <summary>Helpers the rules share for messages and fix properties.</summary>
    internal static class RuleText
    {
        /// <summary>Property naming what the fix should insert or call.</summary>
        public const string ReleaseProperty = "Release";
        public const string HolderProperty = "Holder";
        public const string ExitsMaybeNullProperty = "ExitsMaybeNull";
        public const string EndOfBodyProperty = "EndOfBody";
        public const string ReplacementProperty = "Replacement";
        public const string SpinningHeldProperty = "SpinningHeld";
        public const string HeldReleaseProperty = "HeldRelease";

        private static readonly Regex Whitespace = new Regex(@"\s+", RegexOptions.CultureInvariant);

        /// <summary>The acquiring call as the user wrote it, on one line and not too long.</summary>
        public static string Call(AcquireSite site) => Shorten(site.Invocation.Syntax);

        /// <summary>The 1-based line of a node, for "taken at line N".</summary>
        public static string Line(SyntaxNode node) =>
            (node.GetLocation().GetLineSpan().StartLinePosition.Line + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>A lock class as messages name it.</summary>
        public static string Class(string? lockClass) => lockClass ?? "the lock";

        /// <summary>Reports each lock finding of <paramref name="problem"/> once per location.</summary>
        public static void ReportLocks(Findings findings, LockProblem problem, System.Action<Diagnostic> report,
            System.Func<LockFinding, Diagnostic> create)
        {
            var seen = new System.Collections.Generic.HashSet<SyntaxNode>();
            foreach (var finding in findings.Locks)
            {
                if (finding.Problem == problem && seen.Add(finding.At))
                {
                    report(create(finding));
                }
            }
        }

        /// <summary>A node as the user wrote it, on one line and not too long: a call made through <c>?.</c> with its receiver.</summary>
        public static string Shorten(SyntaxNode node)
        {
            if (node.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.ConditionalAccessExpressionSyntax access && access.WhenNotNull == node)
            {
                node = access; // `pmd?.MapLock(a)`, not `.MapLock(a)`
            }

            string text = Whitespace.Replace(node.ToString(), " ");
            return text.Length <= 80 ? text : text.Substring(0, 77) + "...";
        }
    }
}
