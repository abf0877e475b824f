using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KernelDiscipline.Analyzers
{
    /// <summary>The rules' .editorconfig options.</summary>
    internal sealed class RuleOptions
    {
        /// <summary>
        /// KD102: also report a failed map that is silently skipped (return 0, return false, a void return). The kernel
        /// does this at 13 of 43 call sites, so it is allowed by default.
        /// </summary>
        public const string ReportSilentSkipKey = "kernel_discipline.KD102.report_silent_skip";

        /// <summary>
        /// KD301: the severity of a crash whose condition reads a callee's result (seed 001's shape), for teams that make
        /// those errors and leave the other assertions warnings: error, warning, suggestion or silent.
        /// </summary>
        public const string CalleeResultSeverityKey = "kernel_discipline.KD301.callee_result_severity";

        public static readonly RuleOptions Default = new RuleOptions(reportSilentSkip: false, calleeResultSeverity: null);

        private RuleOptions(bool reportSilentSkip, DiagnosticSeverity? calleeResultSeverity)
        {
            ReportSilentSkip = reportSilentSkip;
            CalleeResultSeverity = calleeResultSeverity;
        }

        public bool ReportSilentSkip { get; }

        /// <summary>Null: the rule's own severity.</summary>
        public DiagnosticSeverity? CalleeResultSeverity { get; }

        public static RuleOptions Read(AnalyzerOptions options, SyntaxTree? tree)
        {
            if (tree is null)
            {
                return Default;
            }

            var config = options.AnalyzerConfigOptionsProvider.GetOptions(tree);
            bool strict = config.TryGetValue(ReportSilentSkipKey, out var value) && bool.TryParse(value, out bool parsed) && parsed;
            DiagnosticSeverity? calleeResult = config.TryGetValue(CalleeResultSeverityKey, out var severity) ? ParseSeverity(severity) : null;
            return strict || calleeResult != null ? new RuleOptions(strict, calleeResult) : Default;
        }

        private static DiagnosticSeverity? ParseSeverity(string value) => value.Trim().ToLowerInvariant() switch
        {
            "error" => DiagnosticSeverity.Error,
            "warning" => DiagnosticSeverity.Warning,
            "suggestion" => DiagnosticSeverity.Info,
            "silent" => DiagnosticSeverity.Hidden,
            _ => null,
        };
    }
}
