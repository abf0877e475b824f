using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using KernelDiscipline.Analyzers.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Benchmarks;

/// <summary>
/// Where KD's time per tracked body goes, phase by phase, outside the analyzer driver: binding the body (which the
/// compiler and every semantic analyzer pay too), Roslyn's operation tree, Roslyn's control flow graph, and the
/// engine with the rules. Fresh compilation per round, median of rounds.
/// </summary>
internal static class PhaseProbe
{
    /// <summary>Medians over the rounds: ms per phase for the whole corpus, and the engine's allocation per tracked body.</summary>
    public sealed record Phases(int Bodies, double BindingMs, double OperationsMs, double GraphMs, double EngineMs, double EngineKbPerBody);

    /// <summary>PROBE_ENGINE_REPEAT=N runs the engine N times per body (for a profiler: the engine then dominates the trace).</summary>
    private static readonly int EngineRepeats = int.TryParse(Environment.GetEnvironmentVariable("PROBE_ENGINE_REPEAT"), out int n) && n > 0 ? n : 1;

    public static Phases Measure(int methods, double density, int rounds = 7) => Measure(CorpusGenerator.Corpus(methods, density), rounds);

    /// <summary>The same split for any source (one long method: is what grows faster than the method KD's or Roslyn's?).</summary>
    public static Phases Measure(string source, int rounds)
    {
        var phases = new List<double[]>();
        int trackedBodies = 0;
        for (int round = 0; round < rounds + 2; round++)
        {
            EngineCounters.Reset(); // the counters the caller prints are one round's
            var tree = CSharpSyntaxTree.ParseText(source, AnalyzerCost.ParseOptions);
            var compilation = CSharpCompilation.Create("probe", new[] { tree }, AnalyzerCost.References, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            var known = KnownSymbols.TryCreate(compilation)!;
            var names = known.TrackedMethodNames(compilation, default);
            var summaries = new LockSummaries(compilation, known);
            var model = compilation.GetSemanticModel(tree);
            var times = new double[5];
            var watch = new Stopwatch();
            int bodies = 0;
            foreach (var method in tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>())
            {
                if (method.Body is null)
                {
                    continue;
                }

                watch.Restart();
                bool tracked = false;
                foreach (var call in method.Body.DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    if (call.Expression is MemberAccessExpressionSyntax member && names.Contains(member.Name.Identifier.ValueText) &&
                        model.GetSymbolInfo(call).Symbol is IMethodSymbol symbol && known.Annotation(symbol).IsTracked)
                    {
                        tracked = true;
                    }
                }

                times[0] += watch.Elapsed.TotalMilliseconds;
                if (!tracked)
                {
                    continue;
                }

                bodies++;
                watch.Restart();
                var body = (IMethodBodyOperation)model.GetOperation(method)!;
                times[1] += watch.Elapsed.TotalMilliseconds;
                watch.Restart();
                var graph = ControlFlowGraph.Create(body);
                times[2] += watch.Elapsed.TotalMilliseconds;
                var owner = model.GetDeclaredSymbol(method)!;
                long before = GC.GetAllocatedBytesForCurrentThread();
                watch.Restart();
                for (int repeat = 0; repeat < EngineRepeats; repeat++)
                {
                    new DataflowEngine(known, graph, owner, _ => true, default, summaries).Run();
                }

                times[3] += watch.Elapsed.TotalMilliseconds;
                times[4] += (GC.GetAllocatedBytesForCurrentThread() - before) / 1024.0;
            }

            if (round >= 2)
            {
                phases.Add(times);
            }

            trackedBodies = bodies;
        }

        double Median(int i) => AnalyzerCost.Median(phases.Select(p => p[i]).ToList());
        return new Phases(trackedBodies, Median(0), Median(1), Median(2), Median(3), Median(4) / Math.Max(1, trackedBodies));
    }
}
