using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using KernelDiscipline.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KernelDiscipline.Benchmarks;

/// <summary>Time and peak managed memory of the analyzers on one long method, against the compiler on the same text.</summary>
internal static class LongMethodCost
{
    public sealed record Sample(int Lines, double CompileMs, double KdMs, double KdAnalyzerMs, double CompilePeakMb, double KdPeakMb, int Diagnostics);

    public static Sample Measure(Func<int, string> shape, int lines, int iterations)
    {
        var trees = AnalyzerCost.Parse(shape(lines));
        int actualLines = trees[0].GetText().Lines.Count;
        var compile = new List<(double Ms, double PeakMb)>();
        var kd = new List<(double Ms, double AnalyzerMs, double PeakMb, int Count)>();
        for (int i = 0; i < iterations; i++)
        {
            compile.Add(Once(trees, withKd: false) is var c ? (c.Ms, c.PeakMb) : default);
            kd.Add(Once(trees, withKd: true));
        }

        return new Sample(actualLines,
            AnalyzerCost.Median(compile.Select(x => x.Ms).ToList()),
            AnalyzerCost.Median(kd.Select(x => x.Ms).ToList()),
            AnalyzerCost.Median(kd.Select(x => x.AnalyzerMs).ToList()),
            compile.Max(x => x.PeakMb),
            kd.Max(x => x.PeakMb),
            kd[0].Count);
    }

    /// <summary>Roslyn's own share: the time to build the operation tree and the control flow graph of the method.</summary>
    public static double GraphOnlyMs(Func<int, string> shape, int lines)
    {
        var tree = AnalyzerCost.Parse(shape(lines))[0];
        var compilation = CSharpCompilation.Create("Long", new[] { tree }, AnalyzerCost.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var model = compilation.GetSemanticModel(tree);
        var method = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>().Last();
        model.GetDiagnostics(); // binding is the compiler's: not counted
        var clock = Stopwatch.StartNew();
        if (model.GetOperation(method) is Microsoft.CodeAnalysis.Operations.IMethodBodyOperation body)
        {
            Microsoft.CodeAnalysis.FlowAnalysis.ControlFlowGraph.Create(body);
        }

        return clock.Elapsed.TotalMilliseconds;
    }

    private static (double Ms, double AnalyzerMs, double PeakMb, int Count) Once(SyntaxTree[] trees, bool withKd)
    {
        var compilation = CSharpCompilation.Create("Long", trees, AnalyzerCost.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, concurrentBuild: false));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long baseline = GC.GetTotalMemory(forceFullCollection: false);
        long peak = baseline;
        using var done = new ManualResetEventSlim();
        var sampler = new Thread(() =>
        {
            while (!done.Wait(1))
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
            }
        }) { IsBackground = true };
        sampler.Start();
        var clock = Stopwatch.StartNew();
        double analyzerMs = 0;
        int count = 0;
        if (withKd)
        {
            var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new KernelDisciplineAnalyzer());
            var run = compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: (e, _, _) => throw e,
                concurrentAnalysis: false, logAnalyzerExecutionTime: true, reportSuppressedDiagnostics: false));
            var found = run.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
            count = found.Length;
            if (Environment.GetEnvironmentVariable("KD_PROBE_PRINT") == "1")
            {
                foreach (var d in found)
                {
                    Console.WriteLine(d);
                }
            }

            run.Compilation.GetDiagnostics();
            analyzerMs = run.GetAnalyzerTelemetryInfoAsync(analyzers[0], default).GetAwaiter().GetResult().ExecutionTime.TotalMilliseconds;
        }
        else
        {
            compilation.GetDiagnostics();
        }

        clock.Stop();
        done.Set();
        sampler.Join();
        peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
        return (clock.Elapsed.TotalMilliseconds, analyzerMs, (peak - baseline) / 1048576.0, count);
    }
}
