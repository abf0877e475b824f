using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// Summaries of the un-annotated methods of this compilation, to a bounded call depth. A summary is a pure
    /// function of the method and of the depth left below it (<see cref="MaxDepth"/> minus the caller's depth): a
    /// callee is summarised with one level less, and with none left it has no summary. So recursion needs no cut of its
    /// own (each recursive step has one level less) and nothing one thread does changes what another sees; the cache
    /// only saves work. Concurrent requests for one summary may compute it twice; both compute the same thing.
    /// </summary>
    internal sealed class LockSummaries
    {
        public const int MaxDepth = 3;

        private readonly Compilation compilation;
        private readonly KnownSymbols known;

        /// <summary>Summaries by method and the levels left below it (1..MaxDepth).</summary>
        private readonly ConcurrentDictionary<(IMethodSymbol Method, int Levels), Computed> byLevels =
            new ConcurrentDictionary<(IMethodSymbol, int), Computed>(LevelKeyComparer.Instance);

        /// <summary>
        /// Summaries that no depth bound cut, with the levels they needed: the same for every budget at least that
        /// deep (a leaf helper needs one level, however deep its caller).
        /// </summary>
        private readonly ConcurrentDictionary<IMethodSymbol, Computed> exact =
            new ConcurrentDictionary<IMethodSymbol, Computed>(SymbolEqualityComparer.Default);

        public LockSummaries(Compilation compilation, KnownSymbols known)
        {
            this.compilation = compilation;
            this.known = known;
        }

        private readonly ConcurrentDictionary<IMethodSymbol, string?> wrapperClasses = new ConcurrentDictionary<IMethodSymbol, string?>(SymbolEqualityComparer.Default);

        /// <summary>
        /// The class of the lock an [Acquires]/[TryAcquires] wrapper takes when its attribute names none: the one
        /// class its body leaves held (or, failing that, the one class it takes), else the [LockClass] of its type.
        /// So the README's <c>[Acquires] public void Lock() => gate.Lock();</c> over a <c>[LockClass("buffer_pool")]</c>
        /// field gives its callers a buffer_pool lock, checked by KD201 and KD203 like the field itself.
        /// </summary>
        public string? WrapperClass(IMethodSymbol wrapper, CancellationToken cancellation) =>
            wrapperClasses.GetOrAdd(wrapper.OriginalDefinition, method =>
            {
                if (method.DeclaringSyntaxReferences.Length == 1 && !method.IsAbstract)
                {
                    var body = Summarise(method, levels: 1, cancellation).Summary;
                    var held = new HashSet<string>();
                    foreach (var acquired in body.Acquired)
                    {
                        if (acquired.Class != null)
                        {
                            held.Add(acquired.Class);
                        }
                    }

                    var classes = held.Count > 0 ? held : body.HeldAtSomeExit.Count > 0 ? body.HeldAtSomeExit : body.Takes.Count > 0 ? body.Takes : body.Tries;
                    if (classes.Count == 1)
                    {
                        foreach (var only in classes)
                        {
                            return only;
                        }
                    }
                }

                return known.LockClassOf(method.ContainingType);
            });

        /// <summary>
        /// The summary of a call target seen from a body analysed at <paramref name="depth"/>, or null when it has none
        /// (annotated, not in source, abstract, or deeper than the bound).
        /// </summary>
        public LockSummary? Of(IMethodSymbol method, int depth, SummaryUse use, CancellationToken cancellation)
        {
            method = method.OriginalDefinition;
            if (method.IsAbstract || method.IsExtern || method.DeclaringSyntaxReferences.Length != 1 || known.Annotation(method).IsTracked)
            {
                return null;
            }

            int levels = MaxDepth - depth;
            if (levels <= 0)
            {
                use.Cut = true; // a summary exists, below the bound: what depends on it depends on the bound
                return null;
            }

            var computed = Summarise(method, levels, cancellation);
            use.Note(computed.Levels, computed.Cut);
            return computed.Summary;
        }

        /// <summary>The summary with <paramref name="levels"/> levels of callees (itself included), from the caches or computed.</summary>
        private Computed Summarise(IMethodSymbol method, int levels, CancellationToken cancellation)
        {
            if (exact.TryGetValue(method, out var known) && known.Levels <= levels)
            {
                return known;
            }

            if (byLevels.TryGetValue((method, levels), out var cached))
            {
                return cached;
            }

            var computed = Compute(method, levels, cancellation);
            if (!computed.Cut)
            {
                exact.TryAdd(method, computed);
            }

            return byLevels.GetOrAdd((method, levels), computed);
        }

        /// <summary>A summary, the levels of calls it looked through, and whether the depth bound cut it short.</summary>
        private readonly struct Computed
        {
            public Computed(LockSummary summary, int levels, bool cut)
            {
                Summary = summary;
                Levels = levels;
                Cut = cut;
            }

            public LockSummary Summary { get; }

            public int Levels { get; }

            public bool Cut { get; }
        }

        private sealed class LevelKeyComparer : IEqualityComparer<(IMethodSymbol Method, int Levels)>
        {
            public static readonly LevelKeyComparer Instance = new LevelKeyComparer();

            public bool Equals((IMethodSymbol Method, int Levels) x, (IMethodSymbol Method, int Levels) y) =>
                x.Levels == y.Levels && SymbolEqualityComparer.Default.Equals(x.Method, y.Method);

            public int GetHashCode((IMethodSymbol Method, int Levels) key) =>
                (SymbolEqualityComparer.Default.GetHashCode(key.Method) * 31) + key.Levels;
        }

        private Computed Compute(IMethodSymbol method, int levels, CancellationToken cancellation)
        {
            var syntax = method.DeclaringSyntaxReferences[0].GetSyntax(cancellation);
            if (!compilation.ContainsSyntaxTree(syntax.SyntaxTree))
            {
                return new Computed(LockSummary.Empty, 1, cut: false);
            }

#pragma warning disable RS1030 // A callee in another tree needs its model; summaries are cached per method and bounded in depth.
            var model = compilation.GetSemanticModel(syntax.SyntaxTree);
#pragma warning restore RS1030
            var graph = model.GetOperation(syntax, cancellation) switch
            {
                IMethodBodyOperation body => ControlFlowGraph.Create(body, cancellation),
                IConstructorBodyOperation body => ControlFlowGraph.Create(body, cancellation),
                _ => null,
            };
            if (graph is null)
            {
                return new Computed(LockSummary.Empty, 1, cut: false);
            }

            var use = new SummaryUse();
            var engine = new DataflowEngine(known, graph, method, _ => false, cancellation, this, depth: MaxDepth - levels + 1, use);
            var findings = engine.Run();
            var summary = new LockSummary { MightSleep = findings.MightSleep };
            summary.Takes.UnionWith(findings.AcquiredClasses);
            if (findings.TakenAs != null)
            {
                foreach (var taken in findings.TakenAs)
                {
                    if (taken.Value != null && taken.Value.TrueForAll(ReachesCaller))
                    {
                        (summary.Reentries ??= new Dictionary<string, List<Capability>>()).Add(taken.Key, taken.Value);
                    }
                }
            }

            summary.HeldAtSomeExit.UnionWith(findings.HeldClassesAtSomeExit);
            summary.Tries.UnionWith(findings.TriedClasses);
            foreach (var held in findings.HeldAtEveryExit)
            {
                if (ReachesCaller(held.Id))
                {
                    summary.Acquired.Add(new SummaryLock(held.Id, held.Class, held.Mode, held.Nested, held.Reentrant));
                }
            }

            foreach (var released in findings.UnownedReleases)
            {
                if (ReachesCaller(released.Lock))
                {
                    summary.Released.Add(released);
                }
            }

            return new Computed(summary, use.Levels + 1, use.Cut);
        }

        /// <summary>A lock the caller can name: one reached through the callee's parameters or <c>this</c>.</summary>
        private static bool ReachesCaller(Capability id) => id.Root.Kind is CapabilityKind.Parameter or CapabilityKind.This;
    }
}
