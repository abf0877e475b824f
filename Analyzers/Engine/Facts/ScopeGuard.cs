using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>A scoped guard: disposing it releases <see cref="Lock"/> in <see cref="Mode"/>.</summary>
    internal readonly struct ScopeGuard : IEquatable<ScopeGuard>
    {
        public ScopeGuard(Capability lockId, string? lockClass, LockMode mode)
        {
            Lock = lockId;
            Class = lockClass;
            Mode = mode;
        }

        public Capability Lock { get; }

        public string? Class { get; }

        public LockMode Mode { get; }

        public bool Equals(ScopeGuard other) => Lock.Equals(other.Lock) && Class == other.Class && Mode == other.Mode;

        public override bool Equals(object? obj) => obj is ScopeGuard other && Equals(other);

        public override int GetHashCode() => Lock.GetHashCode();
    }
}
