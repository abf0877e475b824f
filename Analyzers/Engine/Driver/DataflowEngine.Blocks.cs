using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>How one block runs: on each partition of its input, the transfer, then the refined outgoing edges.</summary>
    internal sealed partial class DataflowEngine
    {
        private delegate void EdgeHandler(ControlFlowBranch branch, int key, FlowFacts facts, IOperation? valueOperation);

        private enum Implies
        {
            Nothing,
            Null,
            NonNull,
        }

        /// <summary>Read before any block ran: never written (a block's transfer hands over its own values).</summary>
        private static readonly Dictionary<IOperation, AbstractValue> NoValues = new Dictionary<IOperation, AbstractValue>(OperationComparer.Instance);

        /// <summary>The value of the branch operation of the block processed last (for exits).</summary>
        private Dictionary<IOperation, AbstractValue> lastValues = NoValues;

        private AbstractValue ValueOf(IOperation operation) =>
            lastValues.TryGetValue(operation, out var value) ? value : AbstractValue.Empty;

        /// <summary>Runs one block on each partition of its input and hands every outgoing edge to <paramref name="onEdge"/>.</summary>
        private void ProcessBlock(BasicBlock block, FlowState input, EdgeHandler onEdge)
        {
            // Edges may join new partitions into this very block (a loop of one block): walk a copy of its partitions.
            if (input.Partitions.Count == 1)
            {
                foreach (var only in input.Partitions)
                {
                    ProcessPartition(block, only.Key, only.Value, onEdge);
                    break; // the enumerator is not asked again, so a partition joined meanwhile cannot upset it
                }

                return;
            }

            foreach (var partition in input.Partitions.ToArray())
            {
                ProcessPartition(block, partition.Key, partition.Value, onEdge);
            }
        }

        private void ProcessPartition(BasicBlock block, int key, FlowFacts input, EdgeHandler onEdge)
        {
            var pool = transferPool ??= new Stack<Transfer>();
            var transfer = pool.Count > 0 ? pool.Pop() : new Transfer();
            try
            {
                ProcessPartition(block, key, input, transfer, onEdge);
            }
            finally
            {
                transfer.End();
                pool.Push(transfer);
            }
        }

        private void ProcessPartition(BasicBlock block, int key, FlowFacts input, Transfer transfer, EdgeHandler onEdge)
        {
            var facts = CopyOf(input);
            try
            {
                RunPartition(block, key, facts, transfer, onEdge);
            }
            finally
            {
                Recycle(facts);
            }
        }

        private void RunPartition(BasicBlock block, int key, FlowFacts facts, Transfer transfer, EdgeHandler onEdge)
        {
            // A loop that moves on to its next page skipped the failed one: it is not retried.
            if ((key != FlowState.Normal || !facts.Sites.Failed.IsEmpty) && iterationAdvance.IsStep(block))
            {
                if (key != FlowState.Normal && iterationAdvance.Advances(block, siteList[key]))
                {
                    Skipped(key);
                    key = FlowState.Normal;
                }

                foreach (int failed in facts.Sites.Failed)
                {
                    if (iterationAdvance.Advances(block, siteList[failed]))
                    {
                        Skipped(failed);
                        facts.Sites.Failed = facts.Sites.Failed.Without(failed);
                    }
                }
            }

            {
                transfer.Begin(this, facts, key);
                foreach (var operation in block.Operations)
                {
                    ReconcileLockStatements(transfer.Facts, operation.Syntax.SpanStart);
                    transfer.Visit(operation);
                    if (transfer.Dead)
                    {
                        break;
                    }
                }

                var branchValue = block.BranchValue;
                if (transfer.Dead || (branchValue != null && IsDead(transfer.Visit(branchValue), transfer)))
                {
                    return;
                }

                if (block.ConditionalSuccessor != null && branchValue != null)
                {
                    bool jumpWhen = block.ConditionKind == ControlFlowConditionKind.WhenTrue;
                    var taken = CopyOf(transfer.Facts);
                    int takenKey = transfer.Key;
                    if (transfer.Refine(branchValue, jumpWhen, taken, ref takenKey))
                    {
                        lastValues = transfer.Values;
                        onEdge(block.ConditionalSuccessor, takenKey, taken, null);
                    }

                    Recycle(taken);

                    int fallKey = transfer.Key;
                    if (block.FallThroughSuccessor != null && transfer.Refine(branchValue, !jumpWhen, transfer.Facts, ref fallKey))
                    {
                        lastValues = transfer.Values;
                        onEdge(block.FallThroughSuccessor, fallKey, transfer.Facts, null);
                    }
                }
                else if (block.FallThroughSuccessor != null)
                {
                    lastValues = transfer.Values;
                    onEdge(block.FallThroughSuccessor, transfer.Key, transfer.Facts, branchValue);
                }
            }
        }

        private static bool IsDead(AbstractValue ignored, Transfer transfer) => transfer.Dead;
    }
}
