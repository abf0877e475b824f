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

        public static readonly RuleOptions Default = new RuleOptions(reportSilentSkip: false);

        private RuleOptions(bool reportSilentSkip) => ReportSilentSkip = reportSilentSkip;

        public bool ReportSilentSkip { get; }

        public static RuleOptions Read(AnalyzerOptions options, SyntaxTree? tree)
        {
            if (tree is null)
            {
                return Default;
            }

            var config = options.AnalyzerConfigOptionsProvider.GetOptions(tree);
            bool strict = config.TryGetValue(ReportSilentSkipKey, out var value) && bool.TryParse(value, out bool parsed) && parsed;
            return strict ? new RuleOptions(reportSilentSkip: true) : Default;
        }
    }
}
