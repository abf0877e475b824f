using System;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>KD304: a positive Errno constant where it is written (<c>Errno.EFAULT</c>), and its name.</summary>
    internal readonly struct ErrnoConstant : IEquatable<ErrnoConstant>
    {
        public ErrnoConstant(SyntaxNode syntax, string name)
        {
            Syntax = syntax;
            Name = name;
        }

        /// <summary>The member access as written: where the fix negates it.</summary>
        public SyntaxNode Syntax { get; }

        /// <summary>The constant's name (<c>EFAULT</c>).</summary>
        public string Name { get; }

        public bool Equals(ErrnoConstant other) => Syntax == other.Syntax;

        public override bool Equals(object? obj) => obj is ErrnoConstant other && Equals(other);

        public override int GetHashCode() => Syntax.GetHashCode();
    }
}
