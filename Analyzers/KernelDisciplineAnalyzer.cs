using System.Collections.Generic;
using System.Collections.Immutable;
using KernelDiscipline.Analyzers.Engine;
using KernelDiscipline.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers
{
    /// <summary>
    /// Hosts the map rules (KD101–KD103) and the lock rules (KD201–KD204). It resolves the Runtime's annotations once per compilation (and registers
    /// nothing when they are absent), builds a control flow graph only for bodies that call an annotated API, runs the
    /// dataflow engine once per such body, and lets each rule report from the engine's findings.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class KernelDisciplineAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            Descriptors.KD101MayBeNull,
            Descriptors.KD102WrongFailure,
            Descriptors.KD103NotReleased,
            Descriptors.KD103UsedAfterRelease,
            Descriptors.KD201LockOrder,
            Descriptors.KD202SameClassNesting,
            Descriptors.KD203SleepInAtomic,
            Descriptors.KD204DoubleAcquire,
            Descriptors.KD204DoubleRelease,
            Descriptors.KD204HeldAtExit);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var known = KnownSymbols.TryCreate(start.Compilation);
                if (known is null)
                {
                    return; // the Runtime is not referenced: nothing to check, nothing registered
                }

                start.RegisterOperationBlockStartAction(block =>
                {
                    if (block.OwningSymbol is not IMethodSymbol)
                    {
                        return;
                    }

                    var tracked = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
                    block.RegisterOperationAction(operation =>
                    {
                        var invocation = (IInvocationOperation)operation.Operation;
                        if (known.Annotation(invocation.TargetMethod).IsTracked)
                        {
                            var function = ContainingFunction(invocation, (IMethodSymbol)block.OwningSymbol);
                            lock (tracked)
                            {
                                tracked.Add(function);
                            }
                        }
                    }, OperationKind.Invocation);
                    block.RegisterOperationBlockEndAction(end =>
                    {
                        if (tracked.Count > 0)
                        {
                            Analyze(end, known, tracked);
                        }
                    });
                });
            });
        }

        private static void Analyze(OperationBlockAnalysisContext context, KnownSymbols known, HashSet<IMethodSymbol> tracked)
        {
            var owner = (IMethodSymbol)context.OwningSymbol;
            var options = RuleOptions.Read(context.Options, context.OwningSymbol.Locations.Length > 0 ? context.OwningSymbol.Locations[0].SourceTree : null);
            var analysed = new HashSet<SyntaxNode>();
            foreach (var block in context.OperationBlocks)
            {
                // The blocks may be a body's block under its IMethodBodyOperation: the graph is built for the root.
                var root = block;
                while (root.Parent != null)
                {
                    root = root.Parent;
                }

                if (root is not (IMethodBodyOperation or IConstructorBodyOperation or IBlockOperation) || !analysed.Add(root.Syntax))
                {
                    continue;
                }

                var pending = new Queue<(ControlFlowGraph Graph, IMethodSymbol Function)>();
                pending.Enqueue((context.GetControlFlowGraph(block), owner));
                while (pending.Count > 0)
                {
                    var (graph, function) = pending.Dequeue();
                    var engine = new DataflowEngine(known, graph, function, tracked.Contains, context.CancellationToken);
                    var findings = tracked.Contains(function) ? engine.Run() : engine.RunNestedOnly();
                    MayBeNullRule.Report(findings, context.ReportDiagnostic);
                    FailedMapOutcomeRule.Report(findings, known, options, context.ReportDiagnostic);
                    ReleaseRule.Report(findings, context.ReportDiagnostic);
                    LockOrderRule.Report(findings, context.ReportDiagnostic);
                    SameClassNestingRule.Report(findings, context.ReportDiagnostic);
                    SleepInAtomicRule.Report(findings, context.ReportDiagnostic);
                    LockBalanceRule.Report(findings, context.ReportDiagnostic);
                    foreach (var nested in engine.NestedGraphs)
                    {
                        pending.Enqueue(nested);
                    }
                }
            }
        }

        /// <summary>The innermost local function or lambda around an operation, else the owning method.</summary>
        private static IMethodSymbol ContainingFunction(IOperation operation, IMethodSymbol owner)
        {
            for (var current = operation.Parent; current != null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation lambda)
                {
                    return lambda.Symbol;
                }

                if (current is ILocalFunctionOperation localFunction)
                {
                    return localFunction.Symbol;
                }
            }

            return owner;
        }
    }
}
