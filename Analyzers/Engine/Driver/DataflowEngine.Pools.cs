using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>What the engine reuses instead of allocating per block: argument arrays, transfers, block states.</summary>
    internal sealed partial class DataflowEngine
    {
        /// <summary>Argument value arrays by length, reused: every call visited needs one for as long as it is visited.</summary>
        private readonly Stack<AbstractValue[]>[] argumentPool = new Stack<AbstractValue[]>[8];

        private AbstractValue[] RentArguments(int count)
        {
            if (count == 0)
            {
                return Array.Empty<AbstractValue>();
            }

            var pool = count < argumentPool.Length ? argumentPool[count] : null;
            return pool is { Count: > 0 } ? pool.Pop() : new AbstractValue[count];
        }

        private void ReturnArguments(AbstractValue[] arguments)
        {
            if (arguments.Length > 0 && arguments.Length < argumentPool.Length)
            {
                Array.Clear(arguments, 0, arguments.Length);
                (argumentPool[arguments.Length] ??= new Stack<AbstractValue[]>()).Push(arguments);
            }
        }

        /// <summary>Transfers and their value caches, reused across blocks (a finally region run from an edge takes another one).</summary>
        /// <remarks>
        /// Per thread, so that the value caches keep their size from one body to the next (growing them was a tenth of
        /// the engine's allocation). A pooled transfer holds no engine, facts or operation (see <see cref="Transfer.End"/>):
        /// nothing of a compilation outlives its analysis here.
        /// </remarks>
        [ThreadStatic]
        private static Stack<Transfer>? transferPool;

        /// <summary>
        /// Block states an edge did not keep (most edges join into a state that already has the partition), reused:
        /// copying the input of every block visited was the largest part of the engine's allocation.
        /// </summary>
        private readonly Stack<FlowFacts> factsPool = new Stack<FlowFacts>();

        private FlowFacts CopyOf(FlowFacts input)
        {
            if (factsPool.Count == 0)
            {
                return input.Clone();
            }

            var copy = factsPool.Pop();
            copy.CopyFrom(input);
            return copy;
        }

        private void Recycle(FlowFacts facts)
        {
            if (!facts.Stored)
            {
                factsPool.Push(facts); // CopyFrom overwrites every table when it is reused
            }
        }
    }
}
