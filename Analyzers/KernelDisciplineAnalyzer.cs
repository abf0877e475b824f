using System.Collections.Generic;
using System.Collections.Immutable;
using KernelDiscipline.Analyzers.Engine;
using KernelDiscipline.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
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
            Descriptors.KD103Release,
            Descriptors.KD201LockOrder,
            Descriptors.KD202SameClassNesting,
            Descriptors.KD203SleepInAtomic,
            Descriptors.KD204LockBalance,
            Descriptors.KD301RecoverableBugOn,
            Descriptors.KD303GupFlags,
            Descriptors.KD302UndoOnError,
            Descriptors.KD304PositiveErrno,
            Descriptors.KD305SnapshotRevalidation);

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

                var names = known.TrackedMethodNames(start.Compilation, start.CancellationToken);
                var summaries = new LockSummaries(start.Compilation, known);

                // Tracked calls are found on syntax with the compiler's own binding; operation trees and a control
                // flow graph are built only for the bodies that contain one. Operation-block actions would make
                // Roslyn build operation trees for every body in the compilation.
                start.RegisterCodeBlockStartAction<SyntaxKind>(block =>
                {
                    if (block.OwningSymbol is not IMethodSymbol)
                    {
                        return;
                    }

                    var tracked = new HashSet<SyntaxNode>();
                    if (ReturnsErrnoNamedInBody(block.OwningSymbol, block.CodeBlock, known))
                    {
                        tracked.Add(block.CodeBlock); // KD304 reads the constants it returns
                    }

                    block.RegisterSyntaxNodeAction(node =>
                    {
                        if (InvokedName(node.Node) is string invoked && !names.Contains(invoked))
                        {
                            return; // cannot be an annotated method: no binding needed
                        }

                        if (node.SemanticModel.GetSymbolInfo(node.Node, node.CancellationToken).Symbol is IMethodSymbol method &&
                            (known.Annotation(method).IsTracked || known.IsCrashingAssertion(method) ||
                             (node.Node is InvocationExpressionSyntax call && known.IsOptedInLockCall(method, call, node.SemanticModel, node.CancellationToken))))
                        {
                            var function = ContainingFunction(node.Node, block.CodeBlock);
                            lock (tracked)
                            {
                                tracked.Add(function);
                            }
                        }
                    }, SyntaxKind.InvocationExpression, SyntaxKind.ObjectCreationExpression);
                    block.RegisterSyntaxNodeAction(node =>
                    {
                        // A lock statement on an object that opts in with [LockClass] is a lock of that class.
                        var expression = ((LockStatementSyntax)node.Node).Expression;
                        var symbol = node.SemanticModel.GetSymbolInfo(expression, node.CancellationToken).Symbol;
                        if (known.LockClassOf(symbol) != null || known.LockClassOf(node.SemanticModel.GetTypeInfo(expression, node.CancellationToken).Type) != null)
                        {
                            var function = ContainingFunction(node.Node, block.CodeBlock);
                            lock (tracked)
                            {
                                tracked.Add(function);
                            }
                        }
                    }, SyntaxKind.LockStatement);
                    block.RegisterCodeBlockEndAction(end =>
                    {
                        if (tracked.Count > 0)
                        {
                            Analyze(end, known, summaries, tracked);
                        }
                    });
                });
            });
        }

        private static void Analyze(CodeBlockAnalysisContext context, KnownSymbols known, LockSummaries summaries, HashSet<SyntaxNode> tracked)
        {
            var owner = (IMethodSymbol)context.OwningSymbol;
            var root = context.SemanticModel.GetOperation(context.CodeBlock, context.CancellationToken);
            if (root is not (IMethodBodyOperation or IConstructorBodyOperation or IBlockOperation { Parent: null }))
            {
                return;
            }

            var options = RuleOptions.Read(context.Options, context.CodeBlock.SyntaxTree);
            bool IsTracked(IMethodSymbol function) =>
                function.DeclaringSyntaxReferences.Length > 0 && tracked.Contains(function.DeclaringSyntaxReferences[0].GetSyntax(context.CancellationToken));

            EngineCounters.BodyAnalysed();
            var pending = new Queue<(ControlFlowGraph Graph, IMethodSymbol Function, bool Tracked)>();
            var graphOfBody = root switch
            {
                IMethodBodyOperation body => ControlFlowGraph.Create(body, context.CancellationToken),
                IConstructorBodyOperation body => ControlFlowGraph.Create(body, context.CancellationToken),
                _ => ControlFlowGraph.Create((IBlockOperation)root, context.CancellationToken),
            };
            pending.Enqueue((graphOfBody, owner, tracked.Contains(context.CodeBlock)));
            while (pending.Count > 0)
            {
                var (graph, function, isTracked) = pending.Dequeue();
                EngineCounters.GraphBuilt();
                var engine = new DataflowEngine(known, graph, function, IsTracked, context.CancellationToken, summaries);
                var findings = isTracked ? engine.Run() : engine.RunNestedOnly();
                MayBeNullRule.Report(findings, context.ReportDiagnostic);
                FailedMapOutcomeRule.Report(findings, known, options, context.ReportDiagnostic);
                ReleaseRule.Report(findings, context.ReportDiagnostic);
                LockOrderRule.Report(findings, context.ReportDiagnostic);
                SameClassNestingRule.Report(findings, context.ReportDiagnostic);
                SleepInAtomicRule.Report(findings, context.ReportDiagnostic);
                LockBalanceRule.Report(findings, context.ReportDiagnostic);
                RecoverableBugOnRule.Report(findings, known, context.ReportDiagnostic);
                UndoOnErrorRule.Report(findings, context.ReportDiagnostic);
                PositiveErrnoRule.Report(findings, known, context.ReportDiagnostic);
                GupFlagsRule.Report(findings, known, context.ReportDiagnostic);
                SnapshotRevalidationRule.Report(findings, context.ReportDiagnostic);
                foreach (var (nestedGraph, nestedFunction) in engine.NestedGraphs)
                {
                    pending.Enqueue((nestedGraph, nestedFunction, true));
                }
            }
        }

        /// <summary>
        /// The simple name a call invokes (a creation: its type's name), or null for shapes that need binding to tell
        /// (a delegate call).
        /// </summary>
        private static string? InvokedName(SyntaxNode node) => node switch
        {
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax member } => member.Name.Identifier.ValueText,
            InvocationExpressionSyntax { Expression: MemberBindingExpressionSyntax binding } => binding.Name.Identifier.ValueText,
            InvocationExpressionSyntax { Expression: SimpleNameSyntax name } => name.Identifier.ValueText,
            ObjectCreationExpressionSyntax { Type: QualifiedNameSyntax qualified } => qualified.Right.Identifier.ValueText,
            ObjectCreationExpressionSyntax { Type: SimpleNameSyntax type } => type.Identifier.ValueText,
            _ => null,
        };

        /// <summary>An int/long method whose body names Errno: its returns are an errno convention KD304 checks.</summary>
        private static bool ReturnsErrnoNamedInBody(ISymbol owner, SyntaxNode body, KnownSymbols known)
        {
            if (known.Errno is null || owner is not IMethodSymbol { IsAsync: false } method ||
                method.ReturnType.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64))
            {
                return false;
            }

            // Most bodies never mention it: scan the text first (no allocation), walk tokens only where it appears.
            if (!TextContains(body.SyntaxTree.GetText(), body.Span, "Errno"))
            {
                return false;
            }

            foreach (var token in body.DescendantTokens())
            {
                if (token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText == "Errno")
                {
                    return true;
                }
            }

            return false;
        }

        private static bool TextContains(Microsoft.CodeAnalysis.Text.SourceText text, Microsoft.CodeAnalysis.Text.TextSpan span, string word)
        {
            int last = System.Math.Min(span.End, text.Length) - word.Length;
            for (int start = span.Start; start <= last; start++)
            {
                int i = 0;
                while (i < word.Length && text[start + i] == word[i])
                {
                    i++;
                }

                if (i == word.Length)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The innermost local function or lambda around a call, else the code block itself.</summary>
        private static SyntaxNode ContainingFunction(SyntaxNode node, SyntaxNode codeBlock)
        {
            for (var current = node.Parent; current != null && current != codeBlock; current = current.Parent)
            {
                if (current is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
                {
                    return current;
                }
            }

            return codeBlock;
        }
    }
}
