using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// What the calls of each local function of one code block hold, intersected over every call found in the block's
    /// bodies (the method, its lambdas, its other local functions): what the local function can count on at entry.
    /// Shared by the analyses of one code block, which run one after another.
    /// </summary>
    internal sealed class LocalFunctionCalls
    {
        private readonly Dictionary<IMethodSymbol, List<LockFact>> common = new Dictionary<IMethodSymbol, List<LockFact>>(SymbolEqualityComparer.Default);

        /// <summary>A call of <paramref name="localFunction"/> where <paramref name="held"/> is held.</summary>
        public void Note(IMethodSymbol localFunction, Lockset held)
        {
            var target = localFunction.OriginalDefinition;
            if (!common.TryGetValue(target, out var locks))
            {
                locks = new List<LockFact>();
                foreach (var fact in held.Held.Values)
                {
                    if (!fact.May)
                    {
                        locks.Add(fact);
                    }
                }

                common[target] = locks;
                return;
            }

            locks.RemoveAll(fact => !(held.TryGet(fact.Id, out var here) && !here.May));
            for (int i = 0; i < locks.Count; i++)
            {
                if (held.TryGet(locks[i].Id, out var here) && here.Mode != locks[i].Mode)
                {
                    locks[i] = locks[i].WithMode(LockMode.Shared, locks[i].Depth); // exclusive at one call, shared at another
                }
            }
        }

        /// <summary>The locks held at every call noted so far (none when no call was).</summary>
        public IReadOnlyList<LockFact> At(IMethodSymbol localFunction) =>
            common.TryGetValue(localFunction.OriginalDefinition, out var locks) ? locks : System.Array.Empty<LockFact>();
    }
}
