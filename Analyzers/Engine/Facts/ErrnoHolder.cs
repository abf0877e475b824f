using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>KD304: what may hold an errno: a local or parameter, or a flow capture (an arm of <c>?:</c>).</summary>
    internal readonly struct ErrnoHolder : IEquatable<ErrnoHolder>
    {
        public ErrnoHolder(ISymbol variable)
        {
            Variable = variable;
            Capture = default;
        }

        public ErrnoHolder(CaptureId capture)
        {
            Variable = null;
            Capture = capture;
        }

        public ISymbol? Variable { get; }

        public CaptureId Capture { get; }

        public bool Equals(ErrnoHolder other) =>
            Variable is null ? other.Variable is null && Capture.Equals(other.Capture) : SymbolEqualityComparer.Default.Equals(Variable, other.Variable);

        public override bool Equals(object? obj) => obj is ErrnoHolder other && Equals(other);

        public override int GetHashCode() => Variable is null ? Capture.GetHashCode() : SymbolEqualityComparer.Default.GetHashCode(Variable);
    }
}
