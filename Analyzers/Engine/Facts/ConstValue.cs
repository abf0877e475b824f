using System;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>A known integer constant (with the syntax that produced it), or unknown.</summary>
    internal readonly struct ConstValue : IEquatable<ConstValue>
    {
        public static readonly ConstValue Unknown = default;

        public ConstValue(long value, SyntaxNode? origin)
        {
            IsKnown = true;
            Value = value;
            Origin = origin;
        }

        public bool IsKnown { get; }

        public long Value { get; }

        /// <summary>The expression that produced the value, when a single one did.</summary>
        public SyntaxNode? Origin { get; }

        public ConstValue Join(ConstValue other)
        {
            if (!IsKnown || !other.IsKnown || Value != other.Value)
            {
                return Unknown;
            }

            return Origin == other.Origin ? this : new ConstValue(Value, null);
        }

        public bool Equals(ConstValue other) => IsKnown == other.IsKnown && Value == other.Value && Origin == other.Origin;

        public override bool Equals(object? obj) => obj is ConstValue other && Equals(other);

        public override int GetHashCode() => IsKnown ? Value.GetHashCode() : 0;
    }
}
