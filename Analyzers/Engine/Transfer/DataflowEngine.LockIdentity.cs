using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>What a lock expression names: its capability and class, with local aliases resolved.</summary>
    internal sealed partial class DataflowEngine
    {
        /// <summary>Identities and classes of access paths whose root names itself, built once per body.</summary>
        private readonly Dictionary<PathKey, (Capability Id, string? Class)> pathIdentities = new Dictionary<PathKey, (Capability, string?)>();

        /// <summary>Roots and member steps made once per body: equal identities are mostly the same object, and reading one allocates nothing.</summary>
        private readonly Dictionary<ISymbol, Capability> roots = new Dictionary<ISymbol, Capability>(SymbolEqualityComparer.Default);

        private readonly Dictionary<(Capability Owner, ISymbol Member), Capability> members = new Dictionary<(Capability, ISymbol), Capability>(MemberStepComparer.Instance);

        /// <summary><see cref="MemberOf"/> as a rebasing's member step (made once per body: a method group would allocate per call).</summary>
        private Func<Capability, ISymbol, Capability>? memberStepCache;

        private Func<Capability, ISymbol, Capability> memberStep => memberStepCache ??= MemberStep;

        private Capability MemberStep(Capability owner, ISymbol member) =>
            MemberOf(owner, member, known.LockClassOf(member) ?? known.LockClassOf(member switch
            {
                IFieldSymbol field => field.Type,
                IPropertySymbol property => property.Type,
                _ => null,
            }));

        /// <summary>The capability of a variable, or of <c>this</c> (the function stands for it in a <see cref="PathKey"/>).</summary>
        private Capability RootOf(ISymbol root)
        {
            if (root is IMethodSymbol)
            {
                return Capability.This;
            }

            if (!roots.TryGetValue(root, out var id))
            {
                roots[root] = id = Capability.Variable(root) ?? Capability.Static(root);
            }

            return id;
        }

        /// <summary>
        /// A member of <paramref name="owner"/>: the lock an acquisition site's result holds is that result's lock member
        /// too (<c>pte.Ptl</c> of a <c>MapLock</c> result is the PTL the map holds), else a member step.
        /// </summary>
        private Capability MemberOf(Capability owner, ISymbol member, string? memberClass)
        {
            if (owner.Kind == CapabilityKind.Site && memberClass != null && memberClass == siteList[owner.Site].Annotation.AcquiredClass)
            {
                return owner;
            }

            if (!members.TryGetValue((owner, member), out var id))
            {
                members[(owner, member)] = id = owner.Member(member);
            }

            return id;
        }

        private sealed class MemberStepComparer : IEqualityComparer<(Capability Owner, ISymbol Member)>
        {
            public static readonly MemberStepComparer Instance = new MemberStepComparer();

            public bool Equals((Capability Owner, ISymbol Member) x, (Capability Owner, ISymbol Member) y) =>
                x.Owner.Equals(y.Owner) && SymbolEqualityComparer.Default.Equals(x.Member, y.Member);

            public int GetHashCode((Capability Owner, ISymbol Member) key) =>
                (key.Owner.GetHashCode() * 31) ^ SymbolEqualityComparer.Default.GetHashCode(key.Member);
        }

        /// <summary>
        /// A held acquisition site whose result is the lock <paramref name="id"/> names (<c>pmd.LockPointer</c> after
        /// <c>pmd.Lock()</c>, by [Acquires(Returns = …)]), when <paramref name="id"/> is not itself held.
        /// </summary>
        private int? SiteNamedBy(FlowFacts facts, Capability? id)
        {
            if (id is null || facts.Sites.Names.Count == 0 || facts.Locks.ContainsHeld(id))
            {
                return null;
            }

            foreach (var pair in facts.Sites.Names.Pairs)
            {
                if (pair.Value.Names(id) && facts.Locks.ContainsHeld(siteList[pair.Key].Capability))
                {
                    return pair.Key;
                }
            }

            return null;
        }

        /// <summary>Whether <paramref name="id"/> is held: itself, or as the lock an acquisition site returned.</summary>
        private bool TryGetHeld(FlowFacts facts, Capability id, out LockFact held) =>
            facts.Locks.TryGet(id, out held) || (SiteNamedBy(facts, id) is int site && facts.Locks.TryGet(siteList[site].Capability, out held));

        /// <summary>How a site's lock reads in a message: the call that took it.</summary>
        private string SiteText(int site) => siteList[site].Invocation.Syntax.ToString();

        private sealed partial class Transfer
        {
            /// <summary>
            /// The identity and class of a variable or a member of one. A local that names a lock (an alias) stands for
            /// that lock; otherwise the path names itself.
            /// </summary>
            private (Capability Id, string? Class) LockIdentity(PathKey path)
            {
                if (Facts.LockLocals.Aliases.TryGetValue(path.Root, out var alias))
                {
                    var root = alias.Target ?? engine.RootOf(path.Root);
                    if (path.Member is null)
                    {
                        return (root, alias.Class);
                    }

                    string? memberClass = ClassOf(path.Member);
                    return (engine.MemberOf(root, path.Member, memberClass), memberClass);
                }

                if (engine.pathIdentities.TryGetValue(path, out var known))
                {
                    return known;
                }

                var id = path.Member is null ? engine.RootOf(path.Root) : engine.MemberOf(engine.RootOf(path.Root), path.Member, null);
                var result = (id, ClassOf(path.Member ?? path.Root));
                engine.pathIdentities[path] = result;
                return result;
            }

            /// <summary>Notes the lock a [Acquires(Returns = …)] call's result is, in this body's terms (receiver and arguments substituted).</summary>
            private void NoteReturnedName(IInvocationOperation invocation, AcquireSite site, AbstractValue receiver)
            {
                var name = new ReturnedName(InCaller(invocation, site.Annotation.ReturnedLock!, receiver), InCallerAsWritten(invocation, site.Annotation.ReturnedLock!));
                if (!name.IsEmpty)
                {
                    Facts.Sites.Names[site.Index] = name;
                }
                else
                {
                    Facts.Sites.Names.Remove(site.Index); // a receiver or argument the analysis cannot name: the result is only the call's own
                }
            }

            /// <summary>
            /// The lock a [Acquires(Returns = …)] site's new result is, when it is already held on every path: by that name
            /// (<c>pmd.LockPointer.Lock()</c> earlier), or as another site's held result of the same name.
            /// </summary>
            private LockFact? HeldUnderReturnedName(int site)
            {
                if (!Facts.Sites.Names.TryGetValue(site, out var name))
                {
                    return null;
                }

                foreach (var id in new[] { name.Resolved, name.Written })
                {
                    if (id != null && Facts.Locks.TryGet(id, out var held) && !held.May && !held.Reentrant && !held.Quiet &&
                        held.Source is LockSource.Acquired or LockSource.Scoped)
                    {
                        return held;
                    }
                }

                foreach (var pair in Facts.Sites.Names.Pairs)
                {
                    if (pair.Key != site && (pair.Value.Resolved is { } r && name.Names(r) || pair.Value.Written is { } w && name.Names(w)) &&
                        Facts.Locks.TryGet(engine.siteList[pair.Key].Capability, out var other) && !other.May)
                    {
                        return other;
                    }
                }

                return null;
            }

            /// <summary>The [LockClass] of a member, parameter or local, else of its type.</summary>
            private string? ClassOf(ISymbol symbol) => engine.known.LockClassOf(symbol) ?? engine.known.LockClassOf(KnownSymbols.TypeOf(symbol));


            /// <summary>The identity of a member access whose owner has one: <c>mm.MmapLock</c>, <c>this.gate</c>, <c>table[k]</c>.</summary>
            private Capability? MemberIdentity(IMemberReferenceOperation member)
            {
                if (member.Member.IsStatic)
                {
                    return engine.RootOf(member.Member);
                }

                var owner = member.Instance is null ? AbstractValue.Empty : Value(member.Instance);
                if (member is IPropertyReferenceOperation { Arguments.Length: > 0 } indexer)
                {
                    var indices = new List<IOperation>();
                    foreach (var argument in indexer.Arguments)
                    {
                        indices.Add(argument.Value);
                    }

                    return ElementIdentity(owner.Lock, indices);
                }

                return owner.Lock is null ? null : engine.MemberOf(owner.Lock, member.Member, ClassOf(member.Member));
            }

            /// <summary>
            /// An element's identity: its collection's and its indices', when each index is a constant or a local or
            /// parameter (<c>folios[i]</c>). Writing the index variable forgets the locks it names (see
            /// <see cref="ForgetLocksIndexedBy"/>): the next element is another lock.
            /// </summary>
            private static Capability? ElementIdentity(Capability? owner, List<IOperation> indices)
            {
                if (owner is null)
                {
                    return null;
                }

                var parts = new IndexPart[indices.Count];
                for (int i = 0; i < indices.Count; i++)
                {
                    var index = Unwrap(indices[i]);
                    if (index.ConstantValue.HasValue)
                    {
                        parts[i] = new IndexPart(index.ConstantValue.Value, null);
                    }
                    else if (index is ILocalReferenceOperation local)
                    {
                        parts[i] = new IndexPart(null, local.Local);
                    }
                    else if (index is IParameterReferenceOperation parameter)
                    {
                        parts[i] = new IndexPart(null, parameter.Parameter);
                    }
                    else
                    {
                        return null; // an index the engine cannot name: the element is not followed
                    }
                }

                return owner.Element(parts);
            }

            /// <summary>
            /// A local was assigned: it names the lock the value names (after Clang's LocalVariableMap) — this's, a
            /// parameter's, a static's, an acquisition site's result's, or another local's (hand-over-hand locking, a
            /// copy of a reference), until either local is written or leaves its scope. A value of a lock class with no
            /// identity keeps the local's own identity and gives it the class.
            /// </summary>
            private void Alias(ISymbol local, AbstractValue value)
            {
                if (value.Lock != null && !value.Lock.Mentions(local))
                {
                    Facts.LockLocals.Aliases[local] = new LockAlias(value.Lock, value.LockClass);
                }
                else if (value.LockClass != null)
                {
                    Facts.LockLocals.Aliases[local] = new LockAlias(null, value.LockClass);
                }
                else
                {
                    Facts.LockLocals.Aliases.Remove(local);
                }
            }

            /// <summary>A local or parameter was written: locks of elements it indexed are other elements now, aliases through it name other locks.</summary>
            private void ForgetLocksIndexedBy(ISymbol variable)
            {
                Facts.LockLocals.ForgetMentioning(variable);
                if (Facts.Locks.Held.Count == 0 && Facts.Locks.Released.Count == 0)
                {
                    return; // every write to a local asks: most paths hold and released nothing
                }

                List<Capability>? gone = null;
                foreach (var id in Facts.Locks.Held.Keys)
                {
                    if (id.IsIndexedBy(variable))
                    {
                        (gone ??= new List<Capability>()).Add(id);
                    }
                }

                foreach (var id in Facts.Locks.Released.Keys)
                {
                    if (id.IsIndexedBy(variable))
                    {
                        (gone ??= new List<Capability>()).Add(id);
                    }
                }

                if (gone != null)
                {
                    foreach (var id in gone)
                    {
                        Facts.Locks.Held.Remove(id);
                        Facts.Locks.Released.Remove(id);
                    }
                }
            }
        }
    }
}
