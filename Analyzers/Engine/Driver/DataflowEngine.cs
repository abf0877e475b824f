using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// One forward dataflow pass over one control flow graph: a worklist over basic blocks to a fixed point (the
    /// lattice is finite, so this terminates in time linear in the graph times a small constant), then one pass over
    /// the fixed point that records findings for the rules; a graph without a backward edge records them in the first
    /// pass (see <see cref="Run"/>). Finally regions are run on every branch that leaves through them; catch handlers
    /// start from what the try region saw.
    /// </summary>
    internal sealed partial class DataflowEngine
    {
        private readonly KnownSymbols known;
        private readonly ControlFlowGraph cfg;
        private readonly IMethodSymbol? function;
        private readonly Func<IMethodSymbol, bool> isTrackedFunction;
        private readonly CancellationToken cancellation;
        private readonly Dictionary<IOperation, AcquireSite> sites = new Dictionary<IOperation, AcquireSite>(OperationComparer.Instance);
        private readonly List<AcquireSite> siteList = new List<AcquireSite>();
        private readonly FlowState?[] inputs;
        /// <summary>Made when there is one (most bodies have none).</summary>
        private List<(ControlFlowGraph Graph, IMethodSymbol Function)>? nested;
        private Findings? findings;
        private readonly Liveness liveness;
        private List<IFlowAnonymousFunctionOperation>? lambdas;

        private readonly LockSummaries? summaries;
        private readonly int depth;

        /// <summary>What this body read of its callees' summaries (a summary's own analysis hands one in).</summary>
        private readonly SummaryUse summaryUse;
        private Dictionary<Capability, LockFact>? heldAtEveryExit;

        /// <summary>Where this body notes the locks held at its calls of the code block's local functions.</summary>
        private readonly LocalFunctionCalls? localFunctionCalls;

        /// <summary>Locks the enclosing body holds at every call of this local function.</summary>
        private readonly IReadOnlyList<LockFact> entryLocks;

        /// <summary>Whether a graph without a backward edge is solved and reported in one pass (see <see cref="Run"/>).</summary>
        private readonly bool singlePass;

        public DataflowEngine(KnownSymbols known, ControlFlowGraph cfg, IMethodSymbol? function, Func<IMethodSymbol, bool> isTrackedFunction,
            CancellationToken cancellation, LockSummaries? summaries = null, int depth = 0, SummaryUse? summaryUse = null, bool singlePass = true,
            IReadOnlyList<LockFact>? entryLocks = null, LocalFunctionCalls? localFunctionCalls = null)
        {
            this.localFunctionCalls = localFunctionCalls;
            this.entryLocks = entryLocks ?? System.Array.Empty<LockFact>();
            this.summaryUse = summaryUse ?? new SummaryUse();
            this.singlePass = singlePass;
            this.summaries = summaries;
            this.depth = depth;
            this.known = known;
            this.cfg = cfg;
            this.function = function;
            this.isTrackedFunction = isTrackedFunction;
            this.cancellation = cancellation;
            inputs = new FlowState?[cfg.Blocks.Length];
            liveness = new Liveness(cfg);
            Collect();
        }

        /// <summary>Local functions and lambdas of this body that call tracked APIs: each is analysed as its own body.</summary>
        public IReadOnlyList<(ControlFlowGraph Graph, IMethodSymbol Function)> NestedGraphs =>
            (IReadOnlyList<(ControlFlowGraph, IMethodSymbol)>?)nested ?? Array.Empty<(ControlFlowGraph, IMethodSymbol)>();

        /// <summary>Only finds the nested functions to analyse, for a body that itself calls nothing tracked.</summary>
        public Findings RunNestedOnly()
        {
            CollectNested();
            return new Findings { Function = function };
        }

        public Findings Run()
        {
            CollectNested();
            var result = new Findings { Function = function, Model = cfg.OriginalOperation.SemanticModel };
            var first = cfg.Blocks[0].FallThroughSuccessor?.Destination;
            if (first is null || first.Kind != BasicBlockKind.Block)
            {
                return result;
            }

            var entry = new FlowFacts(siteList.Count);
            AddEntryLocks(entry);
            inputs[first.Ordinal] = new FlowState();
            inputs[first.Ordinal]!.Join(FlowState.Normal, entry, owned: true);

            // Without a backward edge, the worklist (lowest ordinal first) reaches each block once, after every
            // predecessor: its first input is its final one, so findings can be recorded as the pass goes. Otherwise
            // the pass runs to the fixed point and a second pass over it records the findings.
            bool onePass = singlePass && ForwardOnly();
            if (onePass)
            {
                findings = result;
            }

            if (!Solve(first.Ordinal))
            {
                // Gave up (pathological graph): report nothing rather than something wrong, and say so.
                EngineCounters.BodyGivenUp();
                return new Findings { Function = function, Model = cfg.OriginalOperation.SemanticModel, GaveUp = true, BoundsHit = BoundsHit };
            }

            if (!onePass)
            {
                findings = result;
                EdgeHandler report = OnEdge; // one delegate for the pass, not one per block
                for (int ordinal = 0; ordinal < cfg.Blocks.Length; ordinal++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    var input = inputs[ordinal];
                    if (input != null && cfg.Blocks[ordinal].Kind == BasicBlockKind.Block)
                    {
                        ProcessBlock(cfg.Blocks[ordinal], input, report);
                    }
                }
            }

            if (heldAtEveryExit != null)
            {
                result.HeldAtEveryExit.AddRange(heldAtEveryExit.Values);
            }

            result.BoundsHit = BoundsHit;
            if (BoundsHit > 0)
            {
                EngineCounters.BodyWithBoundHit();
            }

            return result;
        }

        /// <summary>
        /// Whether every edge goes to a later block: then the graph has no cycle, and a catch handler (whose region
        /// follows its try region) is also reached only after every block that seeds it.
        /// </summary>
        private bool ForwardOnly()
        {
            foreach (var block in cfg.Blocks)
            {
                if ((block.FallThroughSuccessor?.Destination is { } next && next.Ordinal <= block.Ordinal) ||
                    (block.ConditionalSuccessor?.Destination is { } jump && jump.Ordinal <= block.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }

        private void CollectNested()
        {
            foreach (var localFunction in cfg.LocalFunctions)
            {
                if (isTrackedFunction(localFunction))
                {
                    (nested ??= new List<(ControlFlowGraph, IMethodSymbol)>()).Add((cfg.GetLocalFunctionControlFlowGraph(localFunction, cancellation), localFunction));
                }
            }

            if (lambdas is null)
            {
                return;
            }

            foreach (var lambda in lambdas)
            {
                if (isTrackedFunction(lambda.Symbol))
                {
                    (nested ??= new List<(ControlFlowGraph, IMethodSymbol)>()).Add((cfg.GetAnonymousFunctionControlFlowGraphInScope(lambda, cancellation), lambda.Symbol));
                }
            }
        }

        private bool Reporting => findings != null;

        /// <summary>The value a flow capture holds (a switch's governing expression, an operand of ?:), for the rare rule that asks.</summary>
        private IOperation CapturedValue(IOperation operation)
        {
            while (operation is IFlowCaptureReferenceOperation reference)
            {
                IOperation? source = null;
                foreach (var block in cfg.Blocks)
                {
                    foreach (var candidate in block.Operations)
                    {
                        if (candidate is IFlowCaptureOperation capture && capture.Id.Equals(reference.Id))
                        {
                            if (source != null)
                            {
                                return operation; // captured on several paths (a ?: result): no one value
                            }

                            source = capture.Value;
                        }
                    }
                }

                if (source is null)
                {
                    return operation;
                }

                operation = source;
                while (operation is IConversionOperation conversion)
                {
                    operation = conversion.Operand;
                }
            }

            return operation;
        }

        /// <summary>
        /// The one walk over the graph's operations before the pass: acquisition sites, lambdas (their own bodies), and
        /// the variable reads liveness needs.
        /// </summary>
        private void Collect()
        {
            foreach (var block in cfg.Blocks)
            {
                foreach (var operation in block.Operations)
                {
                    Collect(operation);
                }

                if (block.BranchValue != null)
                {
                    Collect(block.BranchValue);
                }
            }

            if (rare?.ConditionalCalls != null)
            {
                FindConditionalReceivers();
            }
        }

        /// <summary>The walk's own stack, reused across roots: DescendantsAndSelf allocates an iterator and a stack per root.</summary>
        private readonly Stack<IOperation> collectStack = new Stack<IOperation>();

        private void Collect(IOperation root)
        {
            // Pre-order, as DescendantsAndSelf walks (site numbers follow it), with no recursion (expressions nest deeply).
            collectStack.Push(root);
            while (collectStack.Count > 0)
            {
                var operation = collectStack.Pop();
                foreach (var child in operation.ChildOperations.Reverse())
                {
                    collectStack.Push(child);
                }

                switch (operation)
                {
                    case ILocalReferenceOperation local:
                        liveness.NoteRead(local, local.Local);
                        break;
                    case IParameterReferenceOperation parameter:
                        liveness.NoteRead(parameter, parameter.Parameter);
                        break;
                    case IInvocationOperation invocation:
                        var annotation = known.Annotation(invocation.TargetMethod);
                        if (annotation.Fallible || annotation.AcquiresReturn || annotation.ChargesReturn != null)
                        {
                            var site = new AcquireSite(siteList.Count, invocation, annotation);
                            sites[invocation] = site;
                            siteList.Add(site);
                            if (annotation.ChargesReturn != null)
                            {
                                Rare.ChargeSites = ChargeSites.Union(SiteSet.Of(site.Index));
                            }

                            if (invocation.Instance is IFlowCaptureReferenceOperation receiver && invocation.Syntax is InvocationExpressionSyntax { Expression: MemberBindingExpressionSyntax })
                            {
                                NoteConditionalCall(receiver.Id, site.Index); // `pmd?.MapLock(a)`: its variable is found after the walk
                            }
                        }

                        break;
                    case IFlowAnonymousFunctionOperation lambda:
                        (lambdas ??= new List<IFlowAnonymousFunctionOperation>()).Add(lambda);
                        liveness.NoteNestedFunction(lambda.Syntax);
                        break;
                }
            }
        }

        /// <summary>The worklist to a fixed point; false if it did not converge within a generous bound.</summary>
        private bool Solve(int start)
        {
            var work = new BlockWorklist(cfg.Blocks.Length);
            work.Add(start);
            EdgeHandler propagate = (branch, key, facts, valueOp) =>
            {
                var destination = Through(branch, ref key, facts);
                if (destination is null || branch.Semantics != ControlFlowBranchSemantics.Regular || destination.Kind != BasicBlockKind.Block)
                {
                    return;
                }

                foreach (var region in branch.LeavingRegions)
                {
                    facts.Forget(region);
                }

                int position = Liveness.PositionOf(destination);
                var dead = liveness.At(position);
                if (position >= 0)
                {
                    facts.ForgetDead(dead);
                }

                var target = inputs[destination.Ordinal] ??= new FlowState();
                bool changed = target.Join(key, facts, owned: true, ChargeSites);
                if (changed | (position >= 0 && target.Fold(dead)))
                {
                    work.Add(destination.Ordinal);
                }
            };

            // Recording as it goes (one pass): edges into a block propagate, as in any pass; the others are the exits the
            // reporting pass would judge. Either way each edge runs the finally regions it leaves through once.
            EdgeHandler onEdge = !Reporting ? propagate : (branch, key, facts, valueOp) =>
            {
                if (branch.Semantics == ControlFlowBranchSemantics.Regular && branch.Destination?.Kind == BasicBlockKind.Block)
                {
                    propagate(branch, key, facts, valueOp);
                }
                else
                {
                    OnEdge(branch, key, facts, valueOp);
                }
            };
            long budget = 64L * (cfg.Blocks.Length + 1) * (siteList.Count + 2);
            while (work.Count > 0)
            {
                cancellation.ThrowIfCancellationRequested();
                if (--budget < 0)
                {
                    return false;
                }

                int ordinal = work.TakeMin();
                var block = cfg.Blocks[ordinal];
                var input = inputs[ordinal];
                if (input is null || block.Kind != BasicBlockKind.Block)
                {
                    continue;
                }

                // Seeding runs finally regions on the exception path, which the reporting pass never runs: not recorded.
                var recording = findings;
                findings = null;
                SeedHandlers(block, input, work);
                findings = recording;
                ProcessBlock(block, input, onEdge);
            }

            return true;
        }

        /// <summary>
        /// A catch handler may start anywhere in its try region: join what each try block starts with, after the
        /// finally regions between the block and the handler have run (an exception leaves through them first).
        /// </summary>
        private void SeedHandlers(BasicBlock block, FlowState input, BlockWorklist work)
        {
            List<ControlFlowRegion>? finallies = null;
            for (var region = block.EnclosingRegion; region != null; region = region.EnclosingRegion)
            {
                if (region.Kind != ControlFlowRegionKind.Try)
                {
                    continue;
                }

                var parent = region.EnclosingRegion;
                if (parent?.Kind == ControlFlowRegionKind.TryAndFinally)
                {
                    (finallies ??= new List<ControlFlowRegion>()).Add(parent.NestedRegions[parent.NestedRegions.Length - 1]);
                    continue;
                }

                if (parent?.Kind != ControlFlowRegionKind.TryAndCatch)
                {
                    continue;
                }

                foreach (var handler in parent.NestedRegions)
                {
                    if (handler.Kind is not (ControlFlowRegionKind.Catch or ControlFlowRegionKind.FilterAndHandler))
                    {
                        continue;
                    }

                    var target = inputs[handler.FirstBlockOrdinal] ??= new FlowState();
                    bool changed = false;
                    foreach (var partition in input.Partitions)
                    {
                        int key = partition.Key;
                        var facts = partition.Value;
                        if (finallies != null)
                        {
                            facts = facts.Clone();
                            if (!finallies.TrueForAll(region => RunFinally(region, ref key, facts)))
                            {
                                continue;
                            }
                        }

                        changed |= target.Join(key, facts, owned: false, ChargeSites);
                    }

                    if (changed)
                    {
                        work.Add(handler.FirstBlockOrdinal);
                    }
                }
            }
        }

        /// <summary>Runs the finally regions a branch leaves through; returns its destination (null when none).</summary>
        private BasicBlock? Through(ControlFlowBranch branch, ref int key, FlowFacts facts)
        {
            LeaveLockStatements(branch, facts);
            foreach (var region in branch.FinallyRegions)
            {
                if (!RunFinally(region, ref key, facts))
                {
                    return null;
                }
            }

            return branch.Destination;
        }

        /// <summary>Runs a finally region on one state to its own fixed point and writes its outcome back.</summary>
        private bool RunFinally(ControlFlowRegion region, ref int key, FlowFacts facts)
        {
            // Runs on every edge that leaves through the region: states by block index within the region, and the
            // lowest pending block next (as the main worklist does), without a dictionary or sorted set per run.
            int first = region.FirstBlockOrdinal;
            var local = new FlowState?[region.LastBlockOrdinal - first + 1];
            var pending = new bool[local.Length];
            int pendingCount = 1;
            pending[0] = true;
            local[0] = new FlowState();
            local[0]!.Join(key, facts);
            var outcome = new FlowState();
            EdgeHandler onEdge = (branch, k, f, valueOp) =>
            {
                // The edge's state is not used after the edge: a state may keep it (owned) rather than copy it.
                if (branch.Semantics == ControlFlowBranchSemantics.StructuredExceptionHandling)
                {
                    outcome.Join(k, f, owned: true);
                    return;
                }

                var destination = Through(branch, ref k, f);
                int index = destination is null ? -1 : destination.Ordinal - first;
                if (branch.Semantics == ControlFlowBranchSemantics.Regular && index >= 0 && index < local.Length &&
                    (local[index] ??= new FlowState()).Join(k, f, owned: true, ChargeSites) && !pending[index])
                {
                    pending[index] = true;
                    pendingCount++;
                }
            };
            int budget = 64 * local.Length;
            while (pendingCount > 0 && --budget > 0)
            {
                int index = Array.IndexOf(pending, true);
                pending[index] = false;
                pendingCount--;
                ProcessBlock(cfg.Blocks[first + index], local[index]!, onEdge);
            }

            if (outcome.Partitions.Count == 0)
            {
                return false;
            }

            // A finally region keeps the partition it was entered with; join whatever it produced back into one state.
            FlowFacts? merged = null;
            int mergedKey = key;
            foreach (var partition in outcome.Partitions)
            {
                if (merged is null)
                {
                    merged = partition.Value; // the outcome is dropped after this: its partitions need no copy
                    mergedKey = partition.Key;
                }
                else
                {
                    merged.JoinWith(partition.Value, ChargeSites);
                    if (partition.Key != mergedKey)
                    {
                        mergedKey = key;
                    }
                }
            }

            key = mergedKey;
            facts.CopyFrom(merged!);
            return true;
        }

        /// <summary>The reporting pass's edge handler: returns, throws and the end of the body are the exits.</summary>
        private void OnEdge(ControlFlowBranch branch, int key, FlowFacts facts, IOperation? valueOperation)
        {
            switch (branch.Semantics)
            {
                case ControlFlowBranchSemantics.Return:
                    // Read the returned value before the finally regions run (they reuse the value cache).
                    var returned = valueOperation is null ? AbstractValue.Empty : ValueOf(valueOperation);
                    CheckRefReturn(facts, valueOperation); // before the finally regions give the lock back
                    var errnos = valueOperation is null ? ErrnoSet.Empty : ErrnosOf(facts, valueOperation);
                    if (valueOperation != null && facts.LockLocals.TakenFlags.Count > 0 && Unwrap(valueOperation) is ILocalReferenceOperation flag &&
                        facts.LockLocals.TakenFlags.TryGetValue(flag.Local, out var handed) && facts.Locks.TryGet(handed.Lock, out var held))
                    {
                        RemoveLock(facts, handed.Lock, held.Mode, held.Site, Removal.Drop); // the flag that says it was taken is returned: the caller's to test
                    }

                    if (Through(branch, ref key, facts) != null)
                    {
                        Exit(key, facts, valueOperation, returned, ExitSyntax(branch, valueOperation));
                        if (!errnos.IsEmpty)
                        {
                            (findings!.ReturnedErrnos ??= new List<(IOperation, ErrnoSet)>()).Add((valueOperation!, errnos));
                        }
                    }

                    break;
                case ControlFlowBranchSemantics.Regular:
                    var destination = Through(branch, ref key, facts);
                    if (destination?.Kind == BasicBlockKind.Exit)
                    {
                        Exit(key, facts, null, AbstractValue.Empty, ExitSyntax(branch, null));
                    }

                    break;
                case ControlFlowBranchSemantics.Throw:
                case ControlFlowBranchSemantics.Rethrow:
                    var thrown = valueOperation?.Syntax.FirstAncestorOrSelf<SyntaxNode>(IsThrow) ?? valueOperation?.Syntax;
                    foreach (int failed in Failures(key, facts))
                    {
                        findings!.FailedExits.Add(new FailedExitFinding(siteList[failed], FailedExitKind.Throw, thrown, ConstValue.Unknown, valueOperation));
                    }

                    // A throw outside every try leaves the method with what it holds: a map or PTL held there is
                    // never released (inside a try, a catch or finally may still release it).
                    if (!InsideTry(branch.Source))
                    {
                        CheckLeaksAtExit(facts, AbstractValue.Empty, thrown);
                        CheckChargesAtExit(facts, null, AbstractValue.Empty, thrown, thrown: true);
                    }

                    break;
            }
        }

        /// <summary>A failed acquisition's path goes on as a silent skip (see <see cref="FailedExitKind.Skip"/>).</summary>
        private void Skipped(int key)
        {
            if (Reporting)
            {
                var site = siteList[key];
                findings!.FailedExits.Add(new FailedExitFinding(site, FailedExitKind.Skip, site.Invocation.Syntax, ConstValue.Unknown, null));
            }
        }

        private readonly IterationAdvance iterationAdvance = new IterationAdvance();

        /// <summary>The failed acquisitions a path is on: its partition's, and those folded into it.</summary>
        private static SiteSet Failures(int key, FlowFacts facts) =>
            key == FlowState.Normal ? facts.Sites.Failed : facts.Sites.Failed.Union(SiteSet.Of(key));

        /// <summary>The <c>lock</c> statements on System.Threading.Lock taken in this body, with their lock's identity.</summary>
        /// <summary>KD305: the receiver (a PMD) each acquisition site was called on, by site (made on the first).</summary>
        private Capability?[]? siteReceivers;

        private readonly Dictionary<LockStatementSyntax, Capability> syntaxLocks = new Dictionary<LockStatementSyntax, Capability>();

        /// <summary>The distinct locks of <see cref="syntaxLocks"/>, made when first asked after a statement was entered.</summary>
        private HashSet<Capability>? syntaxLockIds;

        /// <summary>An edge that leaves a <c>lock</c> statement's text gives its lock back (see EnterLockStatement).</summary>
        private void LeaveLockStatements(ControlFlowBranch branch, FlowFacts facts) =>
            ReconcileLockStatements(facts, branch.Destination is { Kind: BasicBlockKind.Block } destination ? Liveness.PositionOf(destination) : -1);

        /// <summary>
        /// A <c>lock</c> statement on a System.Threading.Lock holds its lock exactly while execution is inside the
        /// statement: at <paramref name="position"/> (-1: leaving the body), each such lock is held as many times as
        /// statements on it contain the position; more entries than that are given back.
        /// </summary>
        private void ReconcileLockStatements(FlowFacts facts, int position)
        {
            if (syntaxLocks.Count == 0 || facts.Locks.Held.Count == 0)
            {
                return;
            }

            foreach (var key in syntaxLockIds ??= new HashSet<Capability>(syntaxLocks.Values))
            {
                if (!facts.Locks.TryGet(key, out var held))
                {
                    continue;
                }

                int inside = 0;
                LockStatementSyntax? any = null;
                foreach (var pair in syntaxLocks)
                {
                    if (pair.Value.Equals(key))
                    {
                        any = pair.Key;
                        inside += position >= 0 && pair.Key.Span.Contains(position) ? 1 : 0;
                    }
                }

                // The statement's end releases each entry it made; an entry from elsewhere (a contract, an assertion, an
                // explicit Enter before the statement) stays.
                int floor = inside + (held.Source == LockSource.Scoped ? 0 : 1);
                while (held.Depth > floor && !RemoveLock(facts, key, held.Mode, any!.Expression, Removal.Release))
                {
                    facts.Locks.TryGet(key, out held);
                }
            }
        }

        private static bool InsideTry(BasicBlock block)
        {
            for (var region = block.EnclosingRegion; region != null; region = region.EnclosingRegion)
            {
                if (region.Kind is ControlFlowRegionKind.Try or ControlFlowRegionKind.Catch or ControlFlowRegionKind.Finally or ControlFlowRegionKind.FilterAndHandler)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsThrow(SyntaxNode node) => node is ThrowStatementSyntax or ThrowExpressionSyntax;

        /// <summary>A path leaves the body: failed-map outcomes for KD102, held resources for KD103.</summary>
        private void Exit(int key, FlowFacts facts, IOperation? valueOperation, AbstractValue returned, SyntaxNode? exitSyntax)
        {
            foreach (int failed in Failures(key, facts))
            {
                var kind = valueOperation is null ? FailedExitKind.ReturnVoid : FailedExitKind.Return;
                findings!.FailedExits.Add(new FailedExitFinding(siteList[failed], kind, exitSyntax, returned.Constant, valueOperation));
            }

            if (valueOperation != null)
            {
                findings!.Returns.Add((valueOperation, returned.Constant));
            }

            CheckLocksAtExit(facts);
            CheckContractsAtExit(facts, exitSyntax);
            CheckLeaksAtExit(facts, returned, exitSyntax);
            CheckChargesAtExit(facts, valueOperation, returned, exitSyntax, thrown: false);
        }

        /// <summary>Maps and locks still held where a path leaves the body (KD103).</summary>
        private void CheckLeaksAtExit(FlowFacts facts, AbstractValue returned, SyntaxNode? exitSyntax)
        {
            for (int index = 0; index < siteList.Count; index++)
            {
                var fact = facts.Sites.Facts[index];
                if ((fact & Fact.Held) == 0 || returned.Resources.Contains(index) || siteList[index].Annotation.ChargesReturn != null)
                {
                    continue; // a charge carried by a returned object is KD302's, judged at error exits only
                }

                string? holder = HolderOf(facts, index, out bool handedOn);
                if (!handedOn)
                {
                    findings!.Leaks.Add(new LeakFinding(siteList[index], exitSyntax, (fact & Fact.Null) != 0, holder));
                }
            }
        }

        /// <summary>The variable that names what site <paramref name="index"/> returned, and whether it is handed on (stored past the method, or captured).</summary>
        private string? HolderOf(FlowFacts facts, int index, out bool handedOn)
        {
            string? holder = null;
            handedOn = false;
            foreach (var pair in facts.Sites.Vars.Pairs)
            {
                if (!pair.Value.Contains(index))
                {
                    continue;
                }

                // A local that a lambda or local function of this body captures may be released there.
                handedOn |= pair.Key.OutlivesMethod || liveness.IsCaptured(pair.Key.Root);
                if (holder is null || pair.Key.Member is null)
                {
                    holder = pair.Key.Text;
                }
            }

            return holder;
        }

        private static SyntaxNode? ExitSyntax(ControlFlowBranch branch, IOperation? valueOperation)
        {
            var fromValue = valueOperation?.Syntax.FirstAncestorOrSelf<SyntaxNode>(n => n is ReturnStatementSyntax or ArrowExpressionClauseSyntax);
            if (fromValue != null)
            {
                return fromValue;
            }

            // A value-less return keeps no operation in the graph: find the statement from what precedes it.
            var source = branch.Source;
            if (source.ConditionalSuccessor != null && source.BranchValue != null)
            {
                // `if (cond) return;` jumps to the exit straight from the condition's block.
                var ifStatement = source.BranchValue.Syntax.FirstAncestorOrSelf<IfStatementSyntax>();
                var thenReturn = ifStatement is null ? null : BareReturn(ifStatement.Statement);
                var elseReturn = ifStatement?.Else is null ? null : BareReturn(ifStatement.Else.Statement);
                return thenReturn is null ? elseReturn : elseReturn is null ? thenReturn : null;
            }

            if (source.Operations.Length > 0)
            {
                var statement = source.Operations[source.Operations.Length - 1].Syntax.FirstAncestorOrSelf<StatementSyntax>();
                if (statement?.Parent is BlockSyntax block && NextStatement(block, statement) is ReturnStatementSyntax { Expression: null } next)
                {
                    return next;
                }
            }

            return null;
        }

        private static ReturnStatementSyntax? BareReturn(StatementSyntax statement) => statement switch
        {
            ReturnStatementSyntax { Expression: null } bare => bare,
            BlockSyntax { Statements.Count: 1 } block => BareReturn(block.Statements[0]),
            _ => null,
        };

        private static StatementSyntax? NextStatement(BlockSyntax block, StatementSyntax? statement)
        {
            int index = statement is null ? -1 : block.Statements.IndexOf(statement);
            return index >= 0 && index + 1 < block.Statements.Count ? block.Statements[index + 1] : null;
        }
    }
}
