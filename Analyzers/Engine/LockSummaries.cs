using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>What calling a method does to the caller's locks, computed from its body.</summary>
    internal sealed class LockSummary
    {
        public static readonly LockSummary Empty = new LockSummary();

        /// <summary>Locks held at every exit, on a parameter (ordinal) or this (-1), with the member path below it.</summary>
        public List<(int Target, string Suffix, string? Class, bool Nested)> Acquired { get; } = new List<(int, string, string?, bool)>();

        /// <summary>Locks released that the method did not take: the caller's.</summary>
        public List<(int Target, string Suffix)> Released { get; } = new List<(int, string)>();

        /// <summary>Classes the method takes (blocking) at some point, itself or through its callees.</summary>
        public HashSet<string> Takes { get; } = new HashSet<string>();

        public bool MightSleep { get; set; }

        /// <summary>Classes of the locks held at some exit (for the class of a wrapper that names none).</summary>
        public HashSet<string> HeldAtSomeExit { get; } = new HashSet<string>();

        /// <summary>Classes it try-locks.</summary>
        public HashSet<string> Tries { get; } = new HashSet<string>();

        public bool IsEmpty => Acquired.Count == 0 && Released.Count == 0 && Takes.Count == 0 && !MightSleep;
    }

    /// <summary>
    /// Summaries of the un-annotated methods of this compilation, computed once per method (cached), to a bounded
    /// call depth, with recursion cut: a method being summarised summarises as empty to its own callees.
    /// </summary>
    internal sealed class LockSummaries
    {
        public const int MaxDepth = 3;

        private readonly Compilation compilation;
        private readonly KnownSymbols known;
        private readonly ConcurrentDictionary<IMethodSymbol, LockSummary> cache = new ConcurrentDictionary<IMethodSymbol, LockSummary>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<IMethodSymbol, bool> inProgress = new ConcurrentDictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);

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
                    var body = Compute(method, MaxDepth - 1, cancellation);
                    var held = new HashSet<string>();
                    foreach (var (_, _, lockClass, _) in body.Acquired)
                    {
                        if (lockClass != null)
                        {
                            held.Add(lockClass);
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

        /// <summary>The summary of a call target, or null when it has none (annotated, not in source, abstract).</summary>
        public LockSummary? Of(IMethodSymbol method, int depth, CancellationToken cancellation)
        {
            method = method.OriginalDefinition;
            if (depth >= MaxDepth || method.IsAbstract || method.IsExtern || method.DeclaringSyntaxReferences.Length != 1 ||
                known.Annotation(method).IsTracked)
            {
                return null;
            }

            if (cache.TryGetValue(method, out var cached))
            {
                return cached;
            }

            if (!inProgress.TryAdd(method, true))
            {
                return LockSummary.Empty; // recursion: the outer computation accounts for it
            }

            try
            {
                var summary = Compute(method, depth, cancellation);
                cache[method] = summary;
                return summary;
            }
            finally
            {
                inProgress.TryRemove(method, out _);
            }
        }

        private LockSummary Compute(IMethodSymbol method, int depth, CancellationToken cancellation)
        {
            var syntax = method.DeclaringSyntaxReferences[0].GetSyntax(cancellation);
            if (!compilation.ContainsSyntaxTree(syntax.SyntaxTree))
            {
                return LockSummary.Empty;
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
                return LockSummary.Empty;
            }

            var engine = new DataflowEngine(known, graph, method, _ => false, cancellation, this, depth + 1);
            var findings = engine.Run();
            var summary = new LockSummary { MightSleep = findings.MightSleep };
            summary.Takes.UnionWith(findings.AcquiredClasses);
            summary.HeldAtSomeExit.UnionWith(findings.HeldClassesAtSomeExit);
            summary.Tries.UnionWith(findings.TriedClasses);
            foreach (var held in findings.HeldAtEveryExit)
            {
                if (Target(method, held.Key) is var (target, suffix))
                {
                    summary.Acquired.Add((target, suffix, held.Class, held.Nested));
                }
            }

            foreach (var key in findings.UnownedReleases)
            {
                if (Target(method, key) is var (target, suffix))
                {
                    summary.Released.Add((target, suffix));
                }
            }

            return summary;
        }

        /// <summary>Maps a lock key of the callee back to a parameter (or this) and the member path below it.</summary>
        private static (int Target, string Suffix)? Target(IMethodSymbol method, string key)
        {
            if (key.StartsWith("this", System.StringComparison.Ordinal))
            {
                return (-1, key.Substring("this".Length));
            }

            foreach (var parameter in method.Parameters)
            {
                string root = "P:" + DataflowEngine.UniqueName(parameter);
                if (key == root || key.StartsWith(root + ".", System.StringComparison.Ordinal))
                {
                    return (parameter.Ordinal, key.Substring(root.Length));
                }
            }

            return null;
        }
    }
}
