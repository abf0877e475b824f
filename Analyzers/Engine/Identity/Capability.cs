using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>What a <see cref="Capability"/> node is: a root, or one step below another capability.</summary>
    internal enum CapabilityKind : byte
    {
        /// <summary>The analysed function's <c>this</c>.</summary>
        This,

        /// <summary>A parameter of the analysed function.</summary>
        Parameter,

        /// <summary>A local of the analysed function (its own identity: no alias known).</summary>
        Local,

        /// <summary>A static field or property.</summary>
        Static,

        /// <summary>What one acquisition site returned (the lock a <c>MapLock</c> result holds, a <c>pmd.Lock()</c>).</summary>
        Site,

        /// <summary>A field or property of the owner.</summary>
        Member,

        /// <summary>An element of the owner (an array element, an indexer's result), by its indices.</summary>
        Element,
    }

    /// <summary>
    /// The identity of a lock, or of any object the engine names (a charged folio, a snapshot's PMD): a root (this, a
    /// parameter, a local, a static member or an acquisition site) and a chain of members and indices below it, after
    /// Clang's CapabilityExpr. Compared structurally (symbols as Roslyn compares them), never by text; a call's
    /// summary is moved into its caller by putting the caller's receiver or argument in place of the root
    /// (<see cref="Rebase"/>).
    /// </summary>
    internal sealed class Capability : IEquatable<Capability>
    {
        /// <summary>The analysed function's <c>this</c>: one node, whatever the function.</summary>
        public static readonly Capability This = new Capability(CapabilityKind.This, null, null, -1, null);

        private readonly int hash;

        /// <summary>The symbol as equality compares it (<see cref="Compared"/>), found once: equality runs on every lockset lookup.</summary>
        private readonly ISymbol? comparedSymbol;

        private Capability(CapabilityKind kind, Capability? owner, ISymbol? symbol, int site, IndexPart[]? indices)
        {
            Kind = kind;
            Owner = owner;
            Symbol = symbol;
            Site = site;
            Indices = indices;
            int h = ((int)kind * 397) ^ (owner?.hash ?? 0) * 31;
            comparedSymbol = Compared(kind, symbol);
            h ^= symbol is null ? site : SymbolEqualityComparer.Default.GetHashCode(comparedSymbol);
            if (indices != null)
            {
                foreach (var index in indices)
                {
                    h = (h * 31) ^ index.GetHashCode();
                }
            }

            hash = h;
        }

        public CapabilityKind Kind { get; }

        /// <summary>What a <see cref="CapabilityKind.Member"/> or <see cref="CapabilityKind.Element"/> step is taken from.</summary>
        public Capability? Owner { get; }

        /// <summary>The parameter, local, static member or member; null for this, a site and an element.</summary>
        public ISymbol? Symbol { get; }

        /// <summary>The acquisition site's index, for <see cref="CapabilityKind.Site"/>; else -1.</summary>
        public int Site { get; }

        /// <summary>An element's indices.</summary>
        public IReadOnlyList<IndexPart>? Indices { get; }

        public static Capability Parameter(IParameterSymbol parameter) => new Capability(CapabilityKind.Parameter, null, parameter, -1, null);

        public static Capability Local(ILocalSymbol local) => new Capability(CapabilityKind.Local, null, local, -1, null);

        /// <summary>A parameter or local by its symbol.</summary>
        public static Capability? Variable(ISymbol symbol) => symbol switch
        {
            IParameterSymbol parameter => Parameter(parameter),
            ILocalSymbol local => Local(local),
            _ => null,
        };

        public static Capability Static(ISymbol member) => new Capability(CapabilityKind.Static, null, member, -1, null);

        public static Capability ForSite(int index) => new Capability(CapabilityKind.Site, null, null, index, null);

        public Capability Member(ISymbol member) => new Capability(CapabilityKind.Member, this, member, -1, null);

        public Capability Element(IndexPart[] indices) => new Capability(CapabilityKind.Element, this, null, -1, indices);

        public bool IsRoot => Owner is null;

        /// <summary>The root this capability hangs from.</summary>
        public Capability Root
        {
            get
            {
                var node = this;
                while (node.Owner != null)
                {
                    node = node.Owner;
                }

                return node;
            }
        }

        /// <summary>The variable (parameter or local) at the root, if the root is one.</summary>
        public ISymbol? RootVariable => Root is { Kind: CapabilityKind.Parameter or CapabilityKind.Local } root ? root.Symbol : null;

        /// <summary>This capability is <paramref name="prefix"/> or lies below it (<c>mm.MmapLock</c> within <c>mm</c>).</summary>
        public bool IsWithin(Capability prefix)
        {
            for (var node = this; node != null; node = node.Owner)
            {
                if (node.Equals(prefix))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Whether <paramref name="variable"/> is one of the indices of an element on the way (<c>folios[i]</c> for <c>i</c>).</summary>
        public bool IsIndexedBy(ISymbol variable)
        {
            for (var node = this; node != null; node = node.Owner)
            {
                if (node.Indices is { } indices)
                {
                    foreach (var index in indices)
                    {
                        if (index.Variable != null && SymbolEqualityComparer.Default.Equals(index.Variable, variable))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        /// <summary>Whether some node on the way names <paramref name="variable"/> (its root, or an index).</summary>
        public bool Mentions(ISymbol variable) =>
            (RootVariable is { } root && SymbolEqualityComparer.Default.Equals(root, variable)) || IsIndexedBy(variable);

        /// <summary>
        /// This capability with its root replaced by what <paramref name="root"/> makes of it (null: no counterpart, so
        /// no result): how a callee's <c>mm.MmapLock</c> becomes the caller's <c>other.MmapLock</c>. Member steps are
        /// made by <paramref name="member"/> when given (the engine's, which knows that a map's <c>Ptl</c> is its site's lock).
        /// </summary>
        public Capability? Rebase(Func<Capability, Capability?> root, Func<Capability, ISymbol, Capability>? member = null)
        {
            if (Owner is null)
            {
                return root(this);
            }

            var owner = Owner.Rebase(root, member);
            if (owner is null)
            {
                return null;
            }

            return Kind != CapabilityKind.Member ? owner.Element((IndexPart[])Indices!)
                : member != null ? member(owner, Symbol!)
                : owner.Member(Symbol!);
        }

        /// <summary>
        /// What identifies a step's symbol: an instance member by its definition (Box&lt;int&gt;.Gate reached through
        /// <c>b.Gate</c> is the Box&lt;T&gt;.Gate a guard names; the owner tells instances apart), anything else as it is
        /// (S&lt;int&gt;.Gate and S&lt;string&gt;.Gate are two static locks).
        /// </summary>
        private static ISymbol? Compared(CapabilityKind kind, ISymbol? symbol) => kind == CapabilityKind.Member ? symbol?.OriginalDefinition : symbol;

        public bool Equals(Capability? other)
        {
            if (ReferenceEquals(this, other))
            {
                return true;
            }

            if (other is null || hash != other.hash || Kind != other.Kind || Site != other.Site ||
                !SymbolEqualityComparer.Default.Equals(comparedSymbol, other.comparedSymbol))
            {
                return false;
            }

            if (Indices != null || other.Indices != null)
            {
                if (Indices is null || other.Indices is null || Indices.Count != other.Indices.Count)
                {
                    return false;
                }

                for (int i = 0; i < Indices.Count; i++)
                {
                    if (!Indices[i].Equals(other.Indices[i]))
                    {
                        return false;
                    }
                }
            }

            return Owner is null ? other.Owner is null : Owner.Equals(other.Owner);
        }

        public override bool Equals(object? obj) => obj is Capability other && Equals(other);

        public override int GetHashCode() => hash;

        /// <summary>As C# names it (<c>mm.MmapLock</c>, <c>this.gate</c>, <c>folios[i]</c>); a site by its call, when given.</summary>
        public string Describe(Func<int, string>? siteText = null)
        {
            var text = new StringBuilder();
            Describe(text, siteText);
            return text.ToString();
        }

        private void Describe(StringBuilder text, Func<int, string>? siteText)
        {
            switch (Kind)
            {
                case CapabilityKind.This:
                    text.Append("this");
                    break;
                case CapabilityKind.Parameter:
                case CapabilityKind.Local:
                    text.Append(Symbol!.Name);
                    break;
                case CapabilityKind.Static:
                    text.Append(Symbol!.ContainingType?.Name).Append('.').Append(Symbol.Name);
                    break;
                case CapabilityKind.Site:
                    text.Append(siteText?.Invoke(Site) ?? "#" + Site.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case CapabilityKind.Member:
                    Owner!.Describe(text, siteText);
                    text.Append('.').Append(Symbol!.Name);
                    break;
                case CapabilityKind.Element:
                    Owner!.Describe(text, siteText);
                    text.Append('[');
                    for (int i = 0; i < Indices!.Count; i++)
                    {
                        text.Append(i == 0 ? string.Empty : ", ").Append(Indices[i]);
                    }

                    text.Append(']');
                    break;
            }
        }

        public override string ToString() => Describe();
    }

    /// <summary>One index of an element's identity: a constant, or a parameter or local (writing it makes it another element).</summary>
    internal readonly struct IndexPart : IEquatable<IndexPart>
    {
        public IndexPart(object? constant, ISymbol? variable)
        {
            Constant = constant;
            Variable = variable;
        }

        public object? Constant { get; }

        public ISymbol? Variable { get; }

        public bool Equals(IndexPart other) =>
            Variable is null ? other.Variable is null && Equals(Constant, other.Constant) : SymbolEqualityComparer.Default.Equals(Variable, other.Variable);

        public override bool Equals(object? obj) => obj is IndexPart other && Equals(other);

        public override int GetHashCode() => Variable is null ? Constant?.GetHashCode() ?? 0 : SymbolEqualityComparer.Default.GetHashCode(Variable);

        public override string ToString() => Variable?.Name ?? System.Convert.ToString(Constant, System.Globalization.CultureInfo.InvariantCulture) ?? "null";
    }
}
