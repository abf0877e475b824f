using System;
using System.Collections.Immutable;
using KernelDiscipline.Analyzers.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KernelDiscipline.Benchmarks;

/// <summary>
/// The analyzer section's guarded-data part (issue 26): a corpus whose methods touch [GuardedBy]/[PtGuardedBy] members
/// under .NET's locks and the Runtime's, at 0 % and 30 %, measured as the tracked densities are (fresh compilation per
/// iteration, configurations interleaved, median).
/// </summary>
internal static class GuardedCost
{
    public static void Run(Report report, AnalyzerCost cost, int methods)
    {
        report.Line($"\n### Guarded data ({methods} generated methods of a class with [GuardedBy]/[PtGuardedBy] members under lock/Monitor, ReaderWriterLockSlim, SemaphoreSlim, RwSemaphore and TicketLock)\n");
        report.Line("The rest of the methods are the plain ones above; the guarded members are declared at both densities, so at 0% KD's prefilter " +
            "scans every body's identifiers against their names and analyses only the contract helpers the class declares. " +
            "Bodies analysed: how many bodies KD builds a graph for in one compile (the helpers included).\n");
        report.Line("| guarded density | compile ms | + empty analyzer ms | + KD ms | KD analyzer ms | KD alloc MB (empty MB) | bodies analysed | KD µs per guarded method |");
        report.Line("|---|---|---|---|---|---|---|---|");
        var rows = new (Measurement Compile, Measurement Empty, Measurement Kd)[2];
        var densities = new[] { 0.0, 0.3 };
        for (int d = 0; d < densities.Length; d++)
        {
            var trees = AnalyzerCost.Parse(CorpusGenerator.GuardedCorpus(methods, densities[d]));
            // The measured text itself must be clean: a false positive fails the run instead of being timed.
            EngineCounters.Reset();
            AnalyzerCost.CheckClean(trees);
            long bodies = EngineCounters.BodiesAnalysed;
            var side = cost.Compare(trees, ImmutableArray<DiagnosticAnalyzer>.Empty, AnalyzerCost.Empty, AnalyzerCost.Kd);
            rows[d] = (side[0], side[1], side[2]);
            var (compile, empty, kd) = rows[d];
            int guarded = CorpusGenerator.GuardedCount(methods, densities[d]);
            string perGuarded = guarded == 0 ? "–" : (1000 * kd.AnalyzerMs / guarded).ToString("F0");
            report.Line($"| {densities[d]:P0} | {compile.MedianMs:F0} ±{compile.SpreadMs:F0} | {empty.MedianMs:F0} ±{empty.SpreadMs:F0} | {kd.MedianMs:F0} ±{kd.SpreadMs:F0} | {kd.AnalyzerMs:F1} | {kd.AllocatedMb:F1} ({empty.AllocatedMb:F1}) | {bodies} | {perGuarded} |");
        }

        var (at0, at30) = (rows[0], rows[1]);
        int guardedAt30 = CorpusGenerator.GuardedCount(methods, 0.3);
        // What the guarded bodies cost beyond the name check every body pays: the difference of KD's own time between
        // the two densities, per guarded method (information beside the table's figure, which includes that check).
        double marginal = 1000 * (at30.Kd.AnalyzerMs - at0.Kd.AnalyzerMs) / Math.Max(1, guardedAt30);
        report.Line($"\nKD's own time per guarded method over the 0% corpus's (what analysing a guarded body costs beyond the prefilter): {marginal:F0} µs ({guardedAt30} guarded methods).\n");
        double added = 100 * (at30.Kd.MedianMs - at30.Empty.MedianMs) / at30.Compile.MedianMs;
        report.Target("guarded data: KD added time at 30% guarded, % of compile (KD run − empty-analyzer run)", $"{added:F1}%", added <= 5);
        double zeroDelta = at0.Kd.MedianMs - at0.Empty.MedianMs;
        double noise = Math.Max(at0.Kd.SpreadMs + at0.Empty.SpreadMs, 0.01 * at0.Empty.MedianMs);
        report.Target("guarded data, 0% guarded (guarded members declared, untouched): KD run vs empty-analyzer run", $"{zeroDelta:F0} ms (noise ±{noise:F0} ms)", Math.Abs(zeroDelta) <= noise);
    }
}
