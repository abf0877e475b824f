using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>The lock half of the transfer function: identities, classes, acquisitions, releases, try-locks.</summary>
    internal sealed partial class DataflowEngine
    {
        /// <summary>Whether the analysed function hands locks to its caller by contract ([Acquires]/[TryAcquires]).</summary>
        private bool FunctionAcquires => function != null && known.Annotation(function) is { } annotation &&
            (annotation.AcquiresReceiver || annotation.AcquiresArguments || annotation.TryAcquiresReceiver || annotation.AcquiresReturn);

        /// <summary>A path leaves the body: locks this body took and still holds are unbalanced (KD204).</summary>
        private void CheckLocksAtExit(FlowFacts facts)
        {
            foreach (var held in facts.Locks.Values)
            {
                if (held.Class != null)
                {
                    findings!.HeldClassesAtSomeExit.Add(held.Class);
                }
            }

            // For this function's summary: the locks held (on every path) at every exit.
            if (heldAtEveryExit is null)
            {
                heldAtEveryExit = new Dictionary<string, HeldLock>();
                foreach (var held in facts.Locks.Values)
                {
                    if (!held.May)
                    {
                        heldAtEveryExit[held.Key] = held;
                    }
                }
            }
            else
            {
                foreach (var key in new List<string>(heldAtEveryExit.Keys))
                {
                    if (!facts.Locks.TryGetValue(key, out var held) || held.May)
                    {
                        heldAtEveryExit.Remove(key);
                    }
                }
            }

            if (FunctionAcquires || depth > 0)
            {
                return;
            }

            foreach (var held in facts.Locks.Values)
            {
                findings!.Locks.Add(new LockFinding(LockProblem.HeldAtExit, held.Site, held.Class, held));
            }
        }

        /// <summary>Locals and parameters of different scopes may share a name: the declaration's position tells them apart.</summary>
        internal static string UniqueName(ISymbol symbol) =>
            symbol.Locations.Length > 0 ? symbol.Name + "@" + symbol.Locations[0].SourceSpan.Start.ToString(System.Globalization.CultureInfo.InvariantCulture) : symbol.Name;

        /// <summary>Lock identities of access paths, built once per body (every lock call and member read asks again).</summary>
        private readonly Dictionary<PathKey, (string Key, string? Class)> pathIdentities = new Dictionary<PathKey, (string, string?)>();

        private readonly Dictionary<ISymbol, string> uniqueNames = new Dictionary<ISymbol, string>(SymbolEqualityComparer.Default);

        /// <summary><see cref="UniqueName"/>, cached: a symbol's locations are a new array and location on every call.</summary>
        private string Unique(ISymbol symbol)
        {
            if (!uniqueNames.TryGetValue(symbol, out var name))
            {
                uniqueNames[symbol] = name = UniqueName(symbol);
            }

            return name;
        }

        private sealed partial class Transfer
        {
            private (string? Key, string? Class) LockIdentity(PathKey path)
            {
                // A local keeps its own identity (aliases across joins would not agree); it only inherits the class.
                if (path.Member is null && Facts.Aliases.TryGetValue(path.Root, out var alias))
                {
                    return ((path.Root is IParameterSymbol ? "P:" : "L:") + engine.Unique(path.Root), alias);
                }

                if (engine.pathIdentities.TryGetValue(path, out var known))
                {
                    return known;
                }

                string prefix = path.Root is IParameterSymbol ? "P:" : path.Root is IMethodSymbol ? string.Empty : "L:";
                string root = path.Root is IMethodSymbol ? "this" : prefix + engine.Unique(path.Root);
                string key = path.Member is null ? root : root + "." + path.Member.Name;
                var symbol = path.Member ?? path.Root;
                string? lockClass = engine.known.LockClassOf(symbol) ?? engine.known.LockClassOf(TypeOf(symbol));
                engine.pathIdentities[path] = (key, lockClass);
                return (key, lockClass);
            }

            private static ITypeSymbol? TypeOf(ISymbol symbol) => symbol switch
            {
                ILocalSymbol local => local.Type,
                IParameterSymbol parameter => parameter.Type,
                IFieldSymbol field => field.Type,
                IPropertySymbol property => property.Type,
                _ => null,
            };


            /// <summary>The identity of a member access whose owner has one: <c>P:mm.MmapLock</c>, <c>this.lockField</c>, <c>L:table[L:k]</c>.</summary>
            private string? MemberKey(IMemberReferenceOperation member)
            {
                if (member.Member.IsStatic)
                {
                    return member.Member.ContainingType?.Name + "." + member.Member.Name;
                }

                var owner = member.Instance is null ? AbstractValue.Empty : Value(member.Instance);
                if (member is IPropertyReferenceOperation { Arguments.Length: > 0 } indexer)
                {
                    var indices = new List<IOperation>();
                    foreach (var argument in indexer.Arguments)
                    {
                        indices.Add(argument.Value);
                    }

                    return ElementKey(owner.LockKey, indices);
                }

                return owner.LockKey is null ? null : owner.LockKey + "." + member.Member.Name;
            }

            /// <summary>
            /// An element's identity: its collection's and its indices', when each index is a constant or a local or
            /// parameter (<c>L:folios[L:i]</c>). Writing the index variable forgets the locks it names (see
            /// <see cref="ForgetLocksIndexedBy"/>): the next element is another lock.
            /// </summary>
            private string? ElementKey(string? owner, List<IOperation> indices)
            {
                if (owner is null)
                {
                    return null;
                }

                var key = new System.Text.StringBuilder(owner).Append('[');
                for (int i = 0; i < indices.Count; i++)
                {
                    var index = Unwrap(indices[i]);
                    string? part = index.ConstantValue.HasValue ? System.Convert.ToString(index.ConstantValue.Value, System.Globalization.CultureInfo.InvariantCulture)
                        : index is ILocalReferenceOperation local ? "L:" + engine.Unique(local.Local)
                        : index is IParameterReferenceOperation parameter ? "P:" + engine.Unique(parameter.Parameter)
                        : null;
                    if (part is null)
                    {
                        return null; // an index the engine cannot name: the element is not followed
                    }

                    key.Append(i == 0 ? string.Empty : ",").Append(part);
                }

                return key.Append(']').ToString();
            }

            /// <summary>A local or parameter was written: locks of elements it indexed are other elements now.</summary>
            private void ForgetLocksIndexedBy(ISymbol variable)
            {
                if (Facts.Locks.Count == 0 && Facts.Released.Count == 0)
                {
                    return; // every write to a local asks: most paths hold and released nothing
                }

                string part = (variable is IParameterSymbol ? "P:" : "L:") + engine.Unique(variable);
                List<string>? gone = null;
                AddIndexedBy(Facts.Locks.Keys, part, ref gone);
                AddIndexedBy(Facts.Released.Keys, part, ref gone);

                if (gone != null)
                {
                    foreach (var key in gone)
                    {
                        Facts.Locks.Remove(key);
                        Facts.Released.Remove(key);
                    }
                }
            }

            /// <summary>Adds the keys indexed by <paramref name="part"/> (the map's own key collection: no boxed enumerator).</summary>
            private static void AddIndexedBy<T>(Dictionary<string, T>.KeyCollection keys, string part, ref List<string>? gone)
            {
                foreach (var key in keys)
                {
                    if (IsIndexedBy(key, part))
                    {
                        (gone ??= new List<string>()).Add(key);
                    }
                }
            }

            /// <summary>Whether a lock identity names <paramref name="part"/> as one of its indices (<c>L:t[L:i]</c>, <c>L:t[0,L:i]</c>).</summary>
            private static bool IsIndexedBy(string key, string part)
            {
                // Most identities have no index at all: one scan for '[' before any comparison (a body with many
                // released maps asks this of every one of them at every write to a local).
                int at = key.IndexOf('[');
                while (at >= 0)
                {
                    int start = at + 1;
                    if (string.CompareOrdinal(key, start, part, 0, part.Length) == 0 && start + part.Length < key.Length &&
                        key[start + part.Length] is ']' or ',')
                    {
                        return true;
                    }

                    at = key.IndexOfAny(IndexSeparators, start);
                }

                return false;
            }

            private static readonly char[] IndexSeparators = { '[', ',' };

            /// <summary>The class a wrapper's attribute leaves unnamed, when the receiver has none either.</summary>
            private string? WrapperClass(IMethodSymbol method, AbstractValue receiver) =>
                receiver.LockClass ?? engine.summaries?.WrapperClass(method, engine.cancellation);

            /// <summary>
            /// <c>lock (x)</c> on a System.Threading.Lock: Roslyn's graph keeps the statement as one opaque operation with
            /// no Enter or Exit in it, so the lock is taken here, from the syntax, and given back on every edge that
            /// leaves the statement (<see cref="LeaveLockStatements"/>).
            /// </summary>
            private void EnterLockStatement(LockStatementSyntax statement, IOperation operation)
            {
                var known = engine.known;
                IOperation? expression = null;
                foreach (var candidate in operation.DescendantsAndSelf())
                {
                    if (candidate.Syntax == statement.Expression && known.ThreadingLock != null &&
                        SymbolEqualityComparer.Default.Equals(candidate.Type?.OriginalDefinition, known.ThreadingLock))
                    {
                        expression = candidate;
                        break;
                    }
                }

                if (expression is null)
                {
                    return; // a lock on another object: Monitor calls in the graph show it
                }

                var value = Value(expression);
                if (value.LockKey is null || value.LockClass is null)
                {
                    return;
                }

                engine.syntaxLocks[statement] = value.LockKey;
                Acquire(value, null, nested: false, statement.Expression, reentrant: true);
            }

            /// <summary>A constructor marked [Acquires]: its lock-typed arguments are held until the new object is disposed.</summary>
            private AbstractValue ConstructGuard(IObjectCreationOperation creation, MethodAnnotation annotation)
            {
                AbstractValue? first = null;
                foreach (var argument in creation.Arguments)
                {
                    var value = Visit(argument.Value);
                    if (value.LockKey != null || value.LockClass != null)
                    {
                        Acquire(value, annotation.AcquiredClass, annotation.Nested, creation.Syntax);
                        first ??= value;
                    }
                }

                return first is { LockKey: { } key } held
                    ? new AbstractValue(SiteSet.Empty, ConstValue.Unknown, key, annotation.AcquiredClass ?? held.LockClass, guard: true)
                    : AbstractValue.Empty;
            }

            private void Alias(ISymbol local, AbstractValue value)
            {
                if (value.LockClass != null)
                {
                    Facts.Aliases[local] = value.LockClass;
                }
                else
                {
                    Facts.Aliases.Remove(local);
                }
            }

            /// <summary>The value of a call that is not an acquisition site: a try-lock's result, or a lock it returns.</summary>
            private AbstractValue ResultOf(IInvocationOperation invocation, MethodAnnotation annotation, AbstractValue receiver)
            {
                if (annotation.AcquiresScope && receiver.LockKey != null)
                {
                    var held = Facts.Locks.TryGetValue(receiver.LockKey, out var taken) ? taken.Class : receiver.LockClass;
                    return new AbstractValue(SiteSet.Empty, ConstValue.Unknown, receiver.LockKey, held, guard: true); // disposing it releases the lock
                }

                if (engine.known.ThreadingLock != null && invocation.TargetMethod.Name == "EnterScope" &&
                    SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, engine.known.ThreadingLock))
                {
                    return new AbstractValue(SiteSet.Empty, ConstValue.Unknown, receiver.LockKey, receiver.LockClass); // the scope stands for the lock
                }

                if (annotation.TryAcquiresReceiver && receiver.LockKey != null)
                {
                    string? lockClass = annotation.AcquiredClass ?? receiver.LockClass ?? WrapperClass(invocation.TargetMethod, receiver);
                    if (lockClass != null && engine.Reporting)
                    {
                        engine.findings!.TriedClasses.Add(lockClass);
                    }

                    return new AbstractValue(SiteSet.Empty, ConstValue.Unknown, tryLock: new TryLock(receiver.LockKey, lockClass, annotation.TrySuccessValue, invocation.Syntax));
                }

                string? returnedClass = null;
                foreach (var attribute in invocation.TargetMethod.GetReturnTypeAttributes())
                {
                    if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, engine.known.LockClassAttribute) &&
                        attribute.ConstructorArguments.Length == 1)
                    {
                        returnedClass = attribute.ConstructorArguments[0].Value as string;
                    }
                }

                return returnedClass is null ? AbstractValue.Empty : new AbstractValue(SiteSet.Empty, ConstValue.Unknown, null, returnedClass);
            }

            /// <summary>Acquisitions and releases of receivers and arguments, and [MightSleep] calls.</summary>
            private void LockEffects(IInvocationOperation invocation, MethodAnnotation annotation, AbstractValue receiver, AbstractValue[] arguments)
            {
                // An out argument of a [LockClass] parameter (MapNoLock's ptl) makes the local a lock of that class.
                for (int i = 0; i < arguments.Length; i++)
                {
                    var argument = invocation.Arguments[i];
                    var written = argument.Value is IDeclarationExpressionOperation declaration ? declaration.Expression : argument.Value;
                    if (argument.Parameter is { RefKind: RefKind.Out } parameter && PathOf(written) is { Member: null } target &&
                        engine.known.LockClassOf(parameter) is { } outClass)
                    {
                        Facts.Aliases[target.Root] = outClass;
                    }
                }

                if (annotation.MightSleep)
                {
                    CheckSleep(null, invocation.Syntax);
                    NoteSleep();
                }

                if (!annotation.IsTracked)
                {
                    LockStatementEffects(invocation, receiver, arguments);
                }

                if (!annotation.IsTracked && engine.summaries?.Of(invocation.TargetMethod, engine.depth, engine.summaryUse, engine.cancellation) is { IsEmpty: false } summary)
                {
                    ApplySummary(invocation, summary, receiver);
                }

                if (annotation.AcquiresReceiver && invocation.Instance != null && receiver.Resources.IsEmpty)
                {
                    Acquire(receiver, annotation.AcquiredClass ?? WrapperClass(invocation.TargetMethod, receiver), annotation.Nested, invocation.Syntax);
                }

                if (annotation.AcquiresArguments)
                {
                    foreach (var argument in arguments)
                    {
                        if (argument.LockKey != null || argument.LockClass != null)
                        {
                            Acquire(argument, annotation.AcquiredClass, annotation.Nested, invocation.Syntax);
                        }
                    }
                }

                if (annotation.ReleasesReceiver && invocation.Instance != null && receiver.Resources.IsEmpty)
                {
                    Release(receiver.LockKey, invocation.Syntax);
                }

                if (annotation.ReleasesArguments)
                {
                    foreach (var argument in arguments)
                    {
                        if (argument.Resources.IsEmpty)
                        {
                            Release(argument.LockKey, invocation.Syntax);
                        }
                    }
                }
            }

            /// <summary>
            /// <c>lock</c> statements on objects that opt in with [LockClass]: Monitor.Enter/Exit on an object, and
            /// System.Threading.Lock's Enter/Exit and EnterScope/Scope.Dispose. Others are not lock classes here.
            /// </summary>
            private void LockStatementEffects(IInvocationOperation invocation, AbstractValue receiver, AbstractValue[] arguments)
            {
                var method = invocation.TargetMethod;
                var known = engine.known;
                if (known.Monitor != null && SymbolEqualityComparer.Default.Equals(method.ContainingType, known.Monitor) && arguments.Length > 0)
                {
                    var target = arguments[0];
                    if (target.LockClass is null || target.LockKey is null)
                    {
                        return;
                    }

                    if (method.Name == nameof(System.Threading.Monitor.Enter))
                    {
                        Acquire(target, null, nested: false, invocation.Syntax, reentrant: true);
                        if (arguments.Length > 1 && PathOf(invocation.Arguments[1].Value) is { Member: null } flag)
                        {
                            Facts.TakenFlags[flag.Root] = target.LockKey;
                        }
                    }
                    else if (method.Name == nameof(System.Threading.Monitor.Exit))
                    {
                        Release(target.LockKey, invocation.Syntax);
                    }

                    return;
                }

                var type = method.ContainingType?.OriginalDefinition;
                if (known.ThreadingLock != null && SymbolEqualityComparer.Default.Equals(type, known.ThreadingLock) && receiver.LockClass != null && receiver.LockKey != null)
                {
                    if (method.Name is "Enter" or "EnterScope")
                    {
                        Acquire(receiver, null, nested: false, invocation.Syntax, reentrant: true);
                    }
                    else if (method.Name == "Exit")
                    {
                        Release(receiver.LockKey, invocation.Syntax);
                    }
                }
                else if (known.ThreadingLockScope != null && SymbolEqualityComparer.Default.Equals(type, known.ThreadingLockScope) && receiver.LockKey != null)
                {
                    Release(receiver.LockKey, invocation.Syntax); // Scope.Dispose ends the lock statement
                }
            }

            /// <summary>A call to a summarised method: its acquisitions are checked here, its net effect applied.</summary>
            private void ApplySummary(IInvocationOperation invocation, LockSummary summary, AbstractValue receiver)
            {
                foreach (var lockClass in summary.Takes)
                {
                    CheckAcquire(null, lockClass, nested: false, isTry: false, invocation.Syntax);
                }

                if (summary.MightSleep)
                {
                    CheckSleep(null, invocation.Syntax);
                    NoteSleep();
                }

                foreach (var (target, suffix) in summary.Released)
                {
                    if (BaseKey(invocation, target, receiver) is { } key)
                    {
                        Release(key + suffix, invocation.Syntax);
                    }
                }

                foreach (var (target, suffix, lockClass, nested) in summary.Acquired)
                {
                    if (BaseKey(invocation, target, receiver) is { } key)
                    {
                        Facts.Locks[key + suffix] = new HeldLock(key + suffix, lockClass, nested, may: false, invocation.Syntax);
                        Facts.Released.Remove(key + suffix);
                    }
                }
            }

            /// <summary>The caller's identity of what the callee calls parameter <paramref name="target"/> (-1: this).</summary>
            private string? BaseKey(IInvocationOperation invocation, int target, AbstractValue receiver)
            {
                if (target < 0)
                {
                    return invocation.Instance is null or IInstanceReferenceOperation ? "this" : receiver.LockKey;
                }

                foreach (var argument in invocation.Arguments)
                {
                    if (argument.Parameter?.Ordinal == target)
                    {
                        return Value(argument.Value).LockKey;
                    }
                }

                return null;
            }

            private void NoteSleep()
            {
                if (engine.Reporting)
                {
                    engine.findings!.MightSleep = true;
                }
            }

            private void Acquire(AbstractValue target, string? declaredClass, bool nested, SyntaxNode site, bool reentrant = false)
            {
                SnapshotsNeedRevalidation();
                if (reentrant && target.LockKey != null && Facts.Locks.TryGetValue(target.LockKey, out var entered) && entered.Reentrant)
                {
                    Facts.Locks[target.LockKey] = entered.WithDepth(entered.Depth + 1); // legal re-entry: nothing new is taken
                    return;
                }

                string? lockClass = declaredClass ?? target.LockClass;
                CheckAcquire(target.LockKey, lockClass, nested, isTry: false, site);
                if (target.LockKey != null)
                {
                    Facts.Locks[target.LockKey] = new HeldLock(target.LockKey, lockClass, nested, may: false, site, reentrant);
                    Facts.Released.Remove(target.LockKey);
                }
            }

            private void Release(string? key, SyntaxNode site)
            {
                if (key is null)
                {
                    return;
                }

                if (Facts.Locks.TryGetValue(key, out var held) && held.Depth > 1)
                {
                    Facts.Locks[key] = held.WithDepth(held.Depth - 1); // leaves one level of a re-entered lock
                }
                else if (Facts.Locks.Remove(key))
                {
                    Facts.Released[key] = site;
                }
                else if (Facts.Released.TryGetValue(key, out var earlier))
                {
                    // Released on every path already; a lock this body never took is the caller's business.
                    LockFinding(new LockFinding(LockProblem.DoubleRelease, site, null, null, earlier));
                }
                else if (engine.Reporting)
                {
                    engine.findings!.UnownedReleases.Add(key);
                }
            }

            /// <summary>The transfer's one list of held locks, refilled by each <see cref="HeldLocks"/> (no caller nests them).</summary>
            private readonly List<HeldLock> heldScratch = new List<HeldLock>();

            /// <summary>Every lock held here: those taken by identity, and the acquisition sites holding a lock class.</summary>
            private List<HeldLock> HeldLocks()
            {
                var held = heldScratch;
                held.Clear();
                held.AddRange(Facts.Locks.Values);
                foreach (var site in engine.siteList)
                {
                    var fact = Facts.Facts[site.Index];
                    if ((fact & Fact.Held) != 0 && site.Annotation.AcquiredClass != null)
                    {
                        held.Add(new HeldLock(site.Key, site.Annotation.AcquiredClass, nested: false, may: fact != Fact.Held, site.Invocation.Syntax));
                    }
                }

                return held;
            }

            /// <summary>
            /// KD201–KD204 at an acquisition, against everything held. A sleeping lock under a spinning one is KD203
            /// only: one diagnostic, whose fix (try-lock, drop, retry) also restores the order.
            /// </summary>
            private void CheckAcquire(string? key, string? lockClass, bool nested, bool isTry, SyntaxNode site)
            {
                var classes = engine.known.LockClasses;
                var info = lockClass != null && classes.TryGetValue(lockClass, out var found) ? found : null;
                if (engine.Reporting && lockClass != null && !isTry)
                {
                    engine.findings!.AcquiredClasses.Add(lockClass);
                    if (info?.Sleeping == true)
                    {
                        engine.findings.MightSleep = true;
                    }
                }

                if (key != null && Facts.Locks.TryGetValue(key, out var again))
                {
                    LockFinding(new LockFinding(LockProblem.DoubleAcquire, site, lockClass, again));
                }

                bool sameClassReported = false, orderReported = false;
                foreach (var held in HeldLocks())
                {
                    if (held.Key == key || info is null || held.Class is null || !classes.TryGetValue(held.Class, out var heldInfo))
                    {
                        continue;
                    }

                    // A re-entrant lock of the class may be this very lock entered again (a summary names no object).
                    if (held.Class == lockClass && info.Rank != 0 && !nested && !held.Nested && !sameClassReported && !(held.Reentrant && key is null))
                    {
                        sameClassReported = true;
                        LockFinding(new LockFinding(LockProblem.SameClass, site, lockClass, held));
                    }
                    else if (info.MustPrecede(heldInfo) && !orderReported && !(info.Sleeping && !heldInfo.Sleeping && !isTry))
                    {
                        orderReported = true;
                        LockFinding(new LockFinding(LockProblem.Order, site, lockClass, held));
                    }
                }

                if (info?.Sleeping == true && !isTry)
                {
                    CheckSleep(lockClass, site);
                }
            }

            /// <summary>KD203: something that may sleep while a spinning lock (or a live lockless map) is held.</summary>
            private void CheckSleep(string? lockClass, SyntaxNode site, bool atAwait = false)
            {
                HeldLock? first = null;
                int spinning = 0;
                foreach (var held in HeldLocks())
                {
                    if (held.Class != null && engine.known.LockClasses.TryGetValue(held.Class, out var heldInfo) && !heldInfo.Sleeping)
                    {
                        first ??= held;
                        spinning++;
                    }
                }

                if (first is { } reported)
                {
                    LockFinding(new LockFinding(LockProblem.SleepInAtomic, site, lockClass, reported, spinningHeld: spinning, heldRelease: ReleaseOf(reported), atAwait: atAwait));
                }
            }

            /// <summary>The statement that releases a held map or lock returned by an acquisition, through the variable holding it.</summary>
            private string? ReleaseOf(HeldLock held)
            {
                if (!held.Key.StartsWith("#", System.StringComparison.Ordinal) ||
                    !int.TryParse(held.Key.Substring(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index))
                {
                    return null;
                }

                var release = engine.siteList[index].Annotation.ReleaseMethodName;
                foreach (var pair in Facts.Vars.Pairs)
                {
                    if (pair.Value.Contains(index) && pair.Key.Member is null && release != null)
                    {
                        return pair.Key.Text + "." + release + "()";
                    }
                }

                return null;
            }

            private void LockFinding(LockFinding finding)
            {
                if (engine.Reporting)
                {
                    engine.findings!.Locks.Add(finding);
                }
            }
        }
    }
}
