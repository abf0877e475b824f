using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>The lock a local names (<see cref="Target"/>, null: the local's own identity) and its class.</summary>
    internal readonly struct LockAlias : IEquatable<LockAlias>
    {
        public LockAlias(Capability? target, string? lockClass)
        {
            Target = target;
            Class = lockClass;
        }

        public Capability? Target { get; }

        public string? Class { get; }

        public bool Equals(LockAlias other) => Equals(Target, other.Target) && Class == other.Class;

        public override bool Equals(object? obj) => obj is LockAlias other && Equals(other);

        public override int GetHashCode() => Target?.GetHashCode() ?? 0;
    }
}
