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
    /// Hosts the map rules (KD101–KD103), the lock rules (KD201–KD204) and the error-path rules (KD301–KD305). It
    /// resolves the Runtime's annotations once per compilation (and registers
    /// nothing when they are absent), builds a control flow graph only for bodies that call an annotated API, runs the
    /// dataflow engine once per such body, and lets each rule report from the engine's findings.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class KernelDisciplineAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>
        /// How the analyzer finds the bodies with tracked calls. Both report the same (RegistrationTests); the
        /// benchmark's probe-driver measures them side by side. On 2,000 methods (2026-11-23) the code blocks cost less
        /// wall time at 0 % (1,058 vs 1,097 ms) and at 30 % (1,322 vs 1,433 ms), though the tree scan's own analyzer
        /// time is lower at 30 % (178 vs 253 ms): the driver's semantic-model action binds on a model of its own. So the
        /// analyzer ships with code blocks, and the tree scan stays as the measured alternative.
        /// </summary>
        internal enum Registration
        {
            /// <summary>Code-block start actions with syntax-node actions inside: the driver dispatches every node of every body.</summary>
            CodeBlocks,

            /// <summary>One semantic-model action per tree that walks the bodies itself.</summary>
            TreeScan,
        }

        private readonly Registration registration;

        /// <summary>Whether bodies without a loop are solved and reported in one pass (both ways report the same: EnginePassTests).</summary>
        private readonly bool singlePass;

        /// <summary>The analyzer as shipped.</summary>
        public KernelDisciplineAnalyzer()
            : this(Registration.CodeBlocks)
        {
        }

        internal KernelDisciplineAnalyzer(Registration registration, bool singlePass = true)
        {
            this.registration = registration;
            this.singlePass = singlePass;
        }

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            Descriptors.KD101MayBeNull,
            Descriptors.KD102WrongFailure,
            Descriptors.KD103Release,
            Descriptors.KD201LockOrder,
            Descriptors.KD202SameClassNesting,
            Descriptors.KD203SleepInAtomic,
            Descriptors.KD204LockBalance,
            Descriptors.KD205GuardedData,
            Descriptors.KD206LockContract,
            Descriptors.KD207Annotation,
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

                var (names, guarded) = known.TrackedNames(start.Compilation, start.CancellationToken);
                var summaries = new LockSummaries(start.Compilation, known);

                // A wrong annotation is reported where it is written; attributes are few, and named before they are bound.
                start.RegisterSyntaxNodeAction(node => AnnotationRule.Check(node, known), SyntaxKind.Attribute);

                // Tracked calls are found on syntax with the compiler's own binding; operation trees and a control
                // flow graph are built only for the bodies that contain one. Operation-block actions would make
                // Roslyn build operation trees for every body in the compilation.
                if (registration == Registration.TreeScan)
                {
                    start.RegisterSemanticModelAction(model => ScanTree(model, known, names, guarded, summaries, singlePass));
                    return;
                }

                start.RegisterCodeBlockStartAction<SyntaxKind>(block =>
                {
                    if (block.OwningSymbol is not IMethodSymbol)
                    {
                        return;
                    }

                    var tracked = new HashSet<SyntaxNode>();
                    if (NamesErrno(block.OwningSymbol, block.CodeBlock, known))
                    {
                        tracked.Add(block.CodeBlock); // KD304 reads the errnos it returns and compares
                    }

                    TouchesGuarded(block.CodeBlock, block.SemanticModel, known, guarded, tracked, block.CancellationToken);
                    block.RegisterSyntaxNodeAction(node =>
                    {
                        if (CallsTracked(node.Node, node.SemanticModel, known, names, node.CancellationToken))
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
                        if (LocksOptedIn((LockStatementSyntax)node.Node, node.SemanticModel, known, node.CancellationToken))
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
                            Analyze((IMethodSymbol)end.OwningSymbol, end.CodeBlock, end.SemanticModel, end.Options, end.ReportDiagnostic, end.CancellationToken, known, summaries, tracked, singlePass);
                        }
                    });
                });
            });
        }

        /// <summary>A call or creation of an annotated method (names not in the set are never bound).</summary>
        private static bool CallsTracked(SyntaxNode node, SemanticModel model, KnownSymbols known, ImmutableHashSet<string> names, System.Threading.CancellationToken cancellation)
        {
            if (InvokedName(node) is string invoked && !names.Contains(invoked))
            {
                return false; // cannot be an annotated method: no binding needed
            }

            return model.GetSymbolInfo(node, cancellation).Symbol is IMethodSymbol method &&
                (known.Annotation(method).IsTracked || known.IsCrashingAssertion(method) || known.HasCallerContract(method) ||
                 (node is InvocationExpressionSyntax call && known.IsOptedInLockCall(method, call, model, cancellation)));
        }

        /// <summary>A lock statement on an object that opts in with [LockClass]: a lock of that class.</summary>
        private static bool LocksOptedIn(LockStatementSyntax statement, SemanticModel model, KnownSymbols known, System.Threading.CancellationToken cancellation)
        {
            var symbol = model.GetSymbolInfo(statement.Expression, cancellation).Symbol;
            return known.LockClassOf(symbol) != null || known.LockClassOf(model.GetTypeInfo(statement.Expression, cancellation).Type) != null ||
                (symbol != null && known.IsNamedLock(symbol));
        }

        /// <summary>
        /// The tree-scan registration: one semantic-model action per tree walks the member bodies itself and binds only
        /// the calls whose names are tracked, instead of the driver dispatching a callback per node of every body.
        /// </summary>
        private static void ScanTree(SemanticModelAnalysisContext context, KnownSymbols known, ImmutableHashSet<string> names, ImmutableHashSet<string> guarded,
            LockSummaries summaries, bool singlePass)
        {
            var model = context.SemanticModel;
            var cancellation = context.CancellationToken;
            foreach (var (owner, block) in CodeBlocks(model.SyntaxTree.GetRoot(cancellation), model, cancellation))
            {
                var tracked = new HashSet<SyntaxNode>();
                if (NamesErrno(owner, block, known))
                {
                    tracked.Add(block);
                }

                TouchesGuarded(block, model, known, guarded, tracked, cancellation);

                foreach (var node in block.DescendantNodes())
                {
                    if (node is InvocationExpressionSyntax or ObjectCreationExpressionSyntax
                        ? CallsTracked(node, model, known, names, cancellation)
                        : node is LockStatementSyntax statement && LocksOptedIn(statement, model, known, cancellation))
                    {
                        tracked.Add(ContainingFunction(node, block));
                    }
                }

                if (tracked.Count > 0)
                {
                    Analyze(owner, block, model, context.Options, context.ReportDiagnostic, cancellation, known, summaries, tracked, singlePass);
                }
            }
        }

        /// <summary>The code blocks of a tree as the driver would hand them over: methods, constructors, operators, accessors, arrow properties, top-level statements.</summary>
        private static IEnumerable<(IMethodSymbol Owner, SyntaxNode Block)> CodeBlocks(SyntaxNode root, SemanticModel model, System.Threading.CancellationToken cancellation)
        {
            bool topLevelDone = false;
            foreach (var node in root.DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax or TypeDeclarationSyntax or BasePropertyDeclarationSyntax or AccessorListSyntax))
            {
                switch (node)
                {
                    case BaseMethodDeclarationSyntax method when method.Body != null || method.ExpressionBody != null:
                        if (model.GetDeclaredSymbol(method, cancellation) is IMethodSymbol owner)
                        {
                            yield return (owner, method);
                        }

                        break;
                    case AccessorDeclarationSyntax accessor when accessor.Body != null || accessor.ExpressionBody != null:
                        if (model.GetDeclaredSymbol(accessor, cancellation) is IMethodSymbol getterOrSetter)
                        {
                            yield return (getterOrSetter, accessor);
                        }

                        break;
                    case ArrowExpressionClauseSyntax arrow when arrow.Parent is BasePropertyDeclarationSyntax property:
                        if ((model.GetDeclaredSymbol(property, cancellation) as IPropertySymbol)?.GetMethod is IMethodSymbol getter)
                        {
                            yield return (getter, arrow);
                        }

                        break;
                    case GlobalStatementSyntax global when !topLevelDone:
                        topLevelDone = true;
                        if (model.GetEnclosingSymbol(global.SpanStart, cancellation) is IMethodSymbol main)
                        {
                            yield return (main, root);
                        }

                        break;
                }
            }
        }

        private static void Analyze(IMethodSymbol owner, SyntaxNode codeBlock, SemanticModel model, AnalyzerOptions analyzerOptions, System.Action<Diagnostic> report,
            System.Threading.CancellationToken cancellation, KnownSymbols known, LockSummaries summaries, HashSet<SyntaxNode> tracked, bool singlePass)
        {
            var root = model.GetOperation(codeBlock, cancellation);
            if (root is not (IMethodBodyOperation or IConstructorBodyOperation or IBlockOperation { Parent: null }))
            {
                return;
            }

            var options = RuleOptions.Read(analyzerOptions, codeBlock.SyntaxTree);
            bool IsTracked(IMethodSymbol function) =>
                function.DeclaringSyntaxReferences.Length > 0 && tracked.Contains(function.DeclaringSyntaxReferences[0].GetSyntax(cancellation));

            EngineCounters.BodyAnalysed();
            var graphOfBody = root switch
            {
                IMethodBodyOperation body => ControlFlowGraph.Create(body, cancellation),
                IConstructorBodyOperation body => ControlFlowGraph.Create(body, cancellation),
                _ => ControlFlowGraph.Create((IBlockOperation)root, cancellation),
            };

            // The body and its lambdas first; a local function after every body that calls it, so that it starts with
            // the locks held at all of its calls (LocalFunctionCalls), whichever function of the block makes them.
            var pending = new Queue<(ControlFlowGraph Graph, IMethodSymbol Function, bool Tracked)>();
            var localFunctions = new List<(ControlFlowGraph Graph, IMethodSymbol Function)>();
            var calls = new LocalFunctionCalls();
            // A tracked local function counts on the locks held at its calls: every function that may call it is read.
            bool localFunctionTracked = false;
            foreach (var node in tracked)
            {
                localFunctionTracked |= node is LocalFunctionStatementSyntax;
            }

            pending.Enqueue((graphOfBody, owner, localFunctionTracked || tracked.Contains(codeBlock)));
            while (pending.Count > 0 || localFunctions.Count > 0)
            {
                ControlFlowGraph graph;
                IMethodSymbol function;
                bool isTracked = true;
                IReadOnlyList<LockFact>? entry = null;
                if (pending.Count > 0)
                {
                    (graph, function, isTracked) = pending.Dequeue();
                }
                else
                {
                    int next = NextLocalFunction(localFunctions, cancellation);
                    (graph, function) = localFunctions[next];
                    localFunctions.RemoveAt(next);
                    entry = calls.At(function);
                }

                EngineCounters.GraphBuilt();
                var engine = new DataflowEngine(known, graph, function, IsTracked, cancellation, summaries, singlePass: singlePass, entryLocks: entry, localFunctionCalls: calls);
                var findings = isTracked ? engine.Run() : engine.RunNestedOnly();
                MayBeNullRule.Report(findings, report);
                FailedMapOutcomeRule.Report(findings, known, options, report);
                ReleaseRule.Report(findings, report);
                LockOrderRule.Report(findings, report);
                SameClassNestingRule.Report(findings, report);
                SleepInAtomicRule.Report(findings, report);
                LockBalanceRule.Report(findings, report);
                RecoverableBugOnRule.Report(findings, known, options, report, cancellation);
                UndoOnErrorRule.Report(findings, report);
                PositiveErrnoRule.Report(findings, known, report, cancellation);
                GupFlagsRule.Report(findings, known, report);
                SnapshotRevalidationRule.Report(findings, report);
                GuardedDataRule.Report(findings, report);
                LockContractRule.Report(findings, report);
                foreach (var (nestedGraph, nestedFunction) in engine.NestedGraphs)
                {
                    if (nestedFunction.MethodKind == MethodKind.LocalFunction)
                    {
                        localFunctions.Add((nestedGraph, nestedFunction));
                    }
                    else
                    {
                        pending.Enqueue((nestedGraph, nestedFunction, true));
                    }
                }
            }
        }

        /// <summary>The waiting local function that no other waiting one calls (its callers are all analysed), else the first.</summary>
        private static int NextLocalFunction(List<(ControlFlowGraph Graph, IMethodSymbol Function)> waiting, System.Threading.CancellationToken cancellation)
        {
            for (int i = 0; i < waiting.Count; i++)
            {
                bool called = false;
                for (int j = 0; j < waiting.Count && !called; j++)
                {
                    called = j != i && Calls(waiting[j].Function, waiting[i].Function.Name, cancellation);
                }

                if (!called)
                {
                    return i;
                }
            }

            return 0; // functions that call each other: any order is as good
        }

        /// <summary>Whether <paramref name="caller"/>'s text calls a function named <paramref name="name"/>.</summary>
        private static bool Calls(IMethodSymbol caller, string name, System.Threading.CancellationToken cancellation)
        {
            if (caller.DeclaringSyntaxReferences.Length == 0)
            {
                return false;
            }

            foreach (var node in caller.DeclaringSyntaxReferences[0].GetSyntax(cancellation).DescendantNodes())
            {
                if (node is InvocationExpressionSyntax { Expression: SimpleNameSyntax called } && called.Identifier.ValueText == name) // `F()`, `F<int>()`
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Marks the functions of a code block that reference a guarded member ([GuardedBy], [PtGuardedBy], a property
        /// with a lock contract), and the block itself (its calls of a local function tell what the function can count
        /// on). Only names in the set are bound: a body that touches none costs a scan of its identifiers.
        /// </summary>
        private static void TouchesGuarded(SyntaxNode codeBlock, SemanticModel model, KnownSymbols known, ImmutableHashSet<string> guarded,
            HashSet<SyntaxNode> tracked, System.Threading.CancellationToken cancellation)
        {
            if (guarded.Count == 0)
            {
                return;
            }

            bool touches = false;
            foreach (var token in codeBlock.DescendantTokens())
            {
                if (!token.IsKind(SyntaxKind.IdentifierToken) || !guarded.Contains(token.ValueText) || token.Parent is not IdentifierNameSyntax name)
                {
                    continue;
                }

                var symbol = model.GetSymbolInfo(name, cancellation).Symbol;
                if (symbol is IFieldSymbol or IPropertySymbol && (known.GuardOf(symbol) != null ||
                    (symbol is IPropertySymbol property && ((property.GetMethod is { } get && known.HasCallerContract(get)) || (property.SetMethod is { } set && known.HasCallerContract(set))))))
                {
                    touches = true;
                    break;
                }
            }

            if (!touches)
            {
                return;
            }

            // Every function of the block: a local function that touches guarded data counts on the locks held at its
            // calls, wherever in the block they are (another local function, a lambda), and each of those must be read.
            lock (tracked)
            {
                tracked.Add(codeBlock);
                foreach (var node in codeBlock.DescendantNodes())
                {
                    if (node is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
                    {
                        tracked.Add(node);
                    }
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

        /// <summary>A method whose body names Errno: KD304 checks its returns (an int/long errno convention) and its errno comparisons.</summary>
        private static bool NamesErrno(ISymbol owner, SyntaxNode body, KnownSymbols known)
        {
            if (known.Errno is null || owner is not IMethodSymbol)
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
