using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// Operations compare by reference, as the default comparer does, but hash by where their syntax starts and their
    /// kind: the runtime's identity hash is a call into the runtime on every look-up (and a slower one on the first),
    /// and the engine looks operations up on every visit. Operations that share both (an implicit conversion of an
    /// implicit conversion) only share a bucket.
    /// </summary>
    internal sealed class OperationComparer : IEqualityComparer<IOperation>
    {
        public static readonly OperationComparer Instance = new OperationComparer();

        private OperationComparer()
        {
        }

        public bool Equals(IOperation? x, IOperation? y) => ReferenceEquals(x, y);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int GetHashCode(IOperation operation) => unchecked((operation.Syntax.FullSpan.Start * 397) + (int)operation.Kind);
    }
}
