using System;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>A storage place the engine follows: a local or parameter, or one member of one (<c>vmf.Pte</c>).</summary>
    internal readonly struct PathKey : IEquatable<PathKey>
    {
        public PathKey(ISymbol root, ISymbol? member)
        {
            Root = root;
            Member = member;
        }

        /// <summary>A local, a parameter, or the method itself standing for <c>this</c>.</summary>
        public ISymbol Root { get; }

        public ISymbol? Member { get; }

        /// <summary>Storing here hands ownership to the caller: an out/ref parameter, or a member of a parameter or of this.</summary>
        public bool OutlivesMethod =>
            Root is IParameterSymbol { RefKind: not RefKind.None } ||
            (Member != null && Root is IParameterSymbol or IMethodSymbol);

        public string Text => Member is null ? Root.Name : Root is IMethodSymbol ? Member.Name : Root.Name + "." + Member.Name;

        public bool Equals(PathKey other) =>
            SymbolEqualityComparer.Default.Equals(Root, other.Root) && SymbolEqualityComparer.Default.Equals(Member, other.Member);

        public override bool Equals(object? obj) => obj is PathKey other && Equals(other);

        public override int GetHashCode() =>
            (SymbolEqualityComparer.Default.GetHashCode(Root) * 397) ^ (Member is null ? 0 : SymbolEqualityComparer.Default.GetHashCode(Member));
    }
}
