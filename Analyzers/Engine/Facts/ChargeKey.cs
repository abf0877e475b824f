using System;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>A charge's key: the resource and the charged object.</summary>
    internal readonly struct ChargeKey : IEquatable<ChargeKey>
    {
        public ChargeKey(string resource, Capability identity)
        {
            Resource = resource;
            Identity = identity;
        }

        public string Resource { get; }

        public Capability Identity { get; }

        public bool Equals(ChargeKey other) => Resource == other.Resource && Identity.Equals(other.Identity);

        public override bool Equals(object? obj) => obj is ChargeKey other && Equals(other);

        public override int GetHashCode() => (Resource.GetHashCode() * 31) ^ Identity.GetHashCode();
    }
}
