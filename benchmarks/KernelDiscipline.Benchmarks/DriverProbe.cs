using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KernelDiscipline.Benchmarks;

/// <summary>No-op analyzers with one kind of registration each: what the analyzer driver costs per registration kind.</summary>
internal static class DriverProbe
{
    private static readonly DiagnosticDescriptor Never = new("PROBE001", "never", "never", "none", DiagnosticSeverity.Hidden, true);

    public static void Run(AnalyzerCost cost, int methods)
    {
        var tracked = AnalyzerCost.Parse(CorpusGenerator.Corpus(methods, 0.3));
        // Builds operations and a CFG for the bodies the generated corpus makes tracked. A text match is enough to pick
        // those bodies in this generated code (it is a measuring stick, not detection).
        var graphsOnly = new Probe(c => c.RegisterCodeBlockStartAction<SyntaxKind>(b =>
        {
            bool any = false;
            b.RegisterSyntaxNodeAction(n => any |= n.Node.ToString().Contains("MapLock") || n.Node.ToString().Contains("Map(") || n.Node.ToString().Contains("MmapLock"), SyntaxKind.InvocationExpression);
            b.RegisterCodeBlockEndAction(e =>
            {
                if (any && e.SemanticModel.GetOperation(e.CodeBlock) is Microsoft.CodeAnalysis.Operations.IMethodBodyOperation body)
                {
                    Microsoft.CodeAnalysis.FlowAnalysis.ControlFlowGraph.Create(body);
                }
            });
        }));
        Console.WriteLine($"30%: operations + CFG only, analyzer ms: {cost.Measure(tracked, ImmutableArray.Create<DiagnosticAnalyzer>(graphsOnly)).AnalyzerMs:F0}");
        Console.WriteLine($"30%: KD, analyzer ms: {cost.Measure(tracked, AnalyzerCost.Kd).AnalyzerMs:F0}");
        Console.WriteLine($"30%: CA2000+CA1508, analyzer ms: {cost.Measure(tracked, AnalyzerCost.NetDataflow).AnalyzerMs:F0}");
        var trees = AnalyzerCost.Parse(CorpusGenerator.Corpus(methods, 0.0));
        Console.WriteLine($"compile only: {cost.CompileOnly(trees).MedianMs:F0} ms");
        foreach (var (name, analyzer) in new (string, DiagnosticAnalyzer)[]
        {
            ("registers nothing", new Probe(_ => { })),
            ("compilation-level syntax node action", new Probe(c => c.RegisterSyntaxNodeAction(_ => { }, SyntaxKind.InvocationExpression))),
            ("code block start + syntax node action", new Probe(c => c.RegisterCodeBlockStartAction<SyntaxKind>(b => b.RegisterSyntaxNodeAction(_ => { }, SyntaxKind.InvocationExpression)))),
            ("operation block start", new Probe(c => c.RegisterOperationBlockStartAction(_ => { }))),
            ("semantic model action", new Probe(c => c.RegisterSemanticModelAction(_ => { }))),
            ("KD", new KernelDiscipline.Analyzers.KernelDisciplineAnalyzer()),
        })
        {
            Console.WriteLine($"{name}: {cost.Measure(trees, ImmutableArray.Create(analyzer)).MedianMs:F0} ms");
        }

        // KD's two ways of finding the bodies with tracked calls, side by side, interleaved, on 0 % and 30 % density.
        foreach (var (label, corpus) in new[] { ("0%", trees), ("30%", tracked) })
        {
            var side = cost.Compare(corpus,
                ImmutableArray.Create<DiagnosticAnalyzer>(new KernelDiscipline.Analyzers.KernelDisciplineAnalyzer(KernelDiscipline.Analyzers.KernelDisciplineAnalyzer.Registration.CodeBlocks)),
                ImmutableArray.Create<DiagnosticAnalyzer>(new KernelDiscipline.Analyzers.KernelDisciplineAnalyzer(KernelDiscipline.Analyzers.KernelDisciplineAnalyzer.Registration.TreeScan)));
            Console.WriteLine($"{label}: KD code blocks {side[0].MedianMs:F0} ±{side[0].SpreadMs:F0} ms (analyzer {side[0].AnalyzerMs:F0} ms); KD tree scan {side[1].MedianMs:F0} ±{side[1].SpreadMs:F0} ms (analyzer {side[1].AnalyzerMs:F0} ms)");
        }
    }

    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class Probe : DiagnosticAnalyzer
    {
        private readonly Action<AnalysisContext> register;

        public Probe(Action<AnalysisContext> register) => this.register = register;

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Never);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            register(context);
        }
    }
}
