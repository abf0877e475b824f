using System;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// A charge on an object the engine names by identity (the same identities locks use): taken by a call with
    /// [Charges] on its receiver or a parameter, given back by one with [Uncharges] of the same resource. Charges
    /// carried by a returned object are acquisition sites instead (their ownership moves with the value).
    /// </summary>
    internal readonly struct HeldCharge : IEquatable<HeldCharge>
    {
        public HeldCharge(ChargeSpec spec, Capability identity, SyntaxNode site, bool may, int depth, ISymbol? result, ISymbol? holder)
        {
            Holder = holder;
            Spec = spec;
            Identity = identity;
            Site = site;
            May = may;
            Depth = depth;
            Result = result;
        }

        public ChargeSpec Spec { get; }

        /// <summary>The charged object's identity.</summary>
        public Capability Identity { get; }

        /// <summary>The charging call.</summary>
        public SyntaxNode Site { get; }

        /// <summary>The local or parameter the charged object was reached through, if any: a lambda that captures it may undo the charge.</summary>
        public ISymbol? Holder { get; }

        /// <summary>Held on some of the joined paths only.</summary>
        public bool May { get; }

        /// <summary>How many times it is held (two <c>folio.Get()</c> need two <c>Put()</c>); <see cref="Many"/> past <see cref="MaxDepth"/>.</summary>
        public int Depth { get; }

        /// <summary>The most charges of one object counted exactly: a loop that charges on every pass would otherwise count forever.</summary>
        public const int MaxDepth = 4;

        /// <summary>More than <see cref="MaxDepth"/>: held, but how many times is not known.</summary>
        public const int Many = MaxDepth + 1;

        /// <summary>
        /// "Many" and then undone: whether the last one was given back is not known, so the charge is judged nowhere (a
        /// loop of <c>Put()</c> after a loop of <c>Get()</c>). Joins keep it so: the highest depth wins.
        /// </summary>
        public const int Lost = Many + 1;

        /// <summary>The count is not known (<see cref="Many"/> or <see cref="Lost"/>): no single undo fixes it.</summary>
        public bool IsMany => Depth >= Many;

        public bool IsLost => Depth >= Lost;

        /// <summary>The local that holds the charging call's result while it is unchanged: testing it tells whether the charge was taken.</summary>
        public ISymbol? Result { get; }

        public ChargeKey Key => new ChargeKey(Spec.Resource, Identity);

        public HeldCharge With(bool may, int depth, ISymbol? result) => new HeldCharge(Spec, Identity, Site, may, depth, result, Holder);

        public bool Equals(HeldCharge other) =>
            Key.Equals(other.Key) && May == other.May && Depth == other.Depth && SymbolEqualityComparer.Default.Equals(Result, other.Result);

        public override bool Equals(object? obj) => obj is HeldCharge other && Equals(other);

        public override int GetHashCode() => Key.GetHashCode();

        /// <summary>Joins the same charge from two paths: held on both with the same depth is a must, anything else a may.</summary>
        public HeldCharge Join(HeldCharge other) => With(
            May || other.May || Depth != other.Depth,
            Math.Max(Depth, other.Depth),
            SymbolEqualityComparer.Default.Equals(Result, other.Result) ? Result : null);
    }
}
