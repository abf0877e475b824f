using System;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>Mirrors the Runtime's ChargeSuccess: which results of a charging call mean the charge was taken.</summary>
    internal enum ChargeWhen
    {
        Always = 0,
        ZeroResult = 1,
        PositiveResult = 2,
    }

    /// <summary>A [Charges] declaration: the resource, when it is taken, and the undo the fix calls.</summary>
    internal sealed class ChargeSpec
    {
        public ChargeSpec(string resource, ChargeWhen when, string? undo)
        {
            Resource = resource;
            When = when;
            Undo = undo;
        }

        public string Resource { get; }

        public ChargeWhen When { get; }

        public string? Undo { get; }
    }

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

        /// <summary>How many times it is held (two <c>folio.Get()</c> need two <c>Put()</c>).</summary>
        public int Depth { get; }

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

    /// <summary>KD302: a charge still held where a path leaves the method with an error.</summary>
    internal readonly struct ChargeLeakFinding
    {
        public ChargeLeakFinding(string resource, SyntaxNode site, SyntaxNode? exit, bool must, string? undo)
        {
            Resource = resource;
            Site = site;
            Exit = exit;
            Must = must;
            Undo = undo;
        }

        public string Resource { get; }

        /// <summary>The charging call.</summary>
        public SyntaxNode Site { get; }

        /// <summary>The error exit (a return or throw); null for the end of the body.</summary>
        public SyntaxNode? Exit { get; }

        /// <summary>Held on every path that reaches this exit: undoing it right before the exit is right.</summary>
        public bool Must { get; }

        /// <summary>The statement that undoes it, as C# (<c>inode.UnacctBlocks(1)</c>), when one is known.</summary>
        public string? Undo { get; }
    }

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

    /// <summary>KD302: charges on objects (by resource and identity) taken in this body and not given back.</summary>
    internal struct ChargeSet : IFactTable<ChargeSet>
    {
        public LazyMap<ChargeKey, HeldCharge> Held;

        public void CopyFrom(in ChargeSet from) => Held = from.Held.Clone();

        /// <summary>Charges join as must/may like locks.</summary>
        public bool JoinWith(in ChargeSet other)
        {
            bool changed = false;
            foreach (var key in Held.KeyList())
            {
                Held.TryGetValue(key, out var mine);
                var joined = other.Held.TryGetValue(key, out var theirs) ? mine.Join(theirs) : mine.With(may: true, mine.Depth, mine.Result);
                if (!joined.Equals(mine))
                {
                    Held[key] = joined;
                    changed = true;
                }
            }

            foreach (var pair in other.Held.Pairs)
            {
                if (!Held.ContainsKey(pair.Key))
                {
                    Held[pair.Key] = pair.Value.With(may: true, pair.Value.Depth, pair.Value.Result);
                    changed = true;
                }
            }

            return changed;
        }

        /// <summary>A charge outlives the variable that named its object: nothing to forget.</summary>
        public void Forget(Microsoft.CodeAnalysis.FlowAnalysis.ControlFlowRegion region)
        {
        }

        public void ForgetDead(DeadVariables dead)
        {
        }
    }
}
