using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>One call that acquires a map or lock whose result the engine follows.</summary>
    internal sealed class AcquireSite
    {
        public AcquireSite(int index, IInvocationOperation invocation, MethodAnnotation annotation)
        {
            Index = index;
            Invocation = invocation;
            Annotation = annotation;
            Capability = Capability.ForSite(index);
            Kind = annotation.ChargesReturn != null ? ResourceKind.Charge : annotation.ReturnsLock ? ResourceKind.Lock : ResourceKind.Map;
        }

        /// <summary>What the result is: what releasing it ends.</summary>
        public ResourceKind Kind { get; }

        public int Index { get; }

        /// <summary>What this site returned, as an identity: the lock a map or lock result holds, the object a charge is on.</summary>
        public Capability Capability { get; }

        public IInvocationOperation Invocation { get; }

        public MethodAnnotation Annotation { get; }
    }

    internal enum UseKind
    {
        Dereferenced,
        PassedOn,
        Suppressed,
        Discarded,
        AfterRelease,
    }

    internal enum FailedExitKind
    {
        /// <summary>A return with a value.</summary>
        Return,
        /// <summary>A return without a value, or the end of a void method.</summary>
        ReturnVoid,
        Throw,
        /// <summary>A call that does not return ([DoesNotReturn], or [DoesNotReturnIf] triggered by the failure).</summary>
        Crash,
        /// <summary>The failure path rejoined the success path, or a loop moved on to its next element: a silent skip.</summary>
        Skip,
    }

    internal readonly struct UseFinding
    {
        public UseFinding(UseKind kind, IOperation operation, AcquireSite site)
        {
            Kind = kind;
            Operation = operation;
            Site = site;
        }

        public UseKind Kind { get; }

        public IOperation Operation { get; }

        public AcquireSite Site { get; }
    }

    internal readonly struct FailedExitFinding
    {
        public FailedExitFinding(AcquireSite site, FailedExitKind kind, SyntaxNode? at, ConstValue value, IOperation? valueOperation)
        {
            Site = site;
            Kind = kind;
            At = at;
            Value = value;
            ValueOperation = valueOperation;
        }

        public AcquireSite Site { get; }

        public FailedExitKind Kind { get; }

        /// <summary>The return or throw statement, or the crashing call; null at the end of a void method.</summary>
        public SyntaxNode? At { get; }

        public ConstValue Value { get; }

        public IOperation? ValueOperation { get; }
    }

    internal readonly struct LeakFinding
    {
        public LeakFinding(AcquireSite site, SyntaxNode? exit, bool maybeNull, string? holder)
        {
            Site = site;
            Exit = exit;
            MaybeNull = maybeNull;
            Holder = holder;
        }

        public AcquireSite Site { get; }

        /// <summary>The return statement that leaves with the resource held; null for the end of the body.</summary>
        public SyntaxNode? Exit { get; }

        /// <summary>Whether the resource may also be null at that exit (the release must then be null-conditional).</summary>
        public bool MaybeNull { get; }

        /// <summary>The local (or member path) that holds the resource there, if one does.</summary>
        public string? Holder { get; }
    }

    internal enum LockProblem
    {
        /// <summary>KD201: taken while a lock that the order puts after it is held.</summary>
        Order,
        /// <summary>KD202: a second lock of a class while one is held, without nesting annotation or ordering helper.</summary>
        SameClass,
        /// <summary>KD203: a sleeping lock or a [MightSleep] call in atomic context.</summary>
        SleepInAtomic,
        /// <summary>KD204: taken again while held (in either mode).</summary>
        DoubleAcquire,
        /// <summary>KD204: released in the other mode than it was taken (taken for read, released as a writer).</summary>
        WrongModeRelease,
        /// <summary>KD204: released where the joining paths hold it in different modes.</summary>
        MixedModes,
        /// <summary>KD204: released again after it was released on every path.</summary>
        DoubleRelease,
        /// <summary>KD204: still held (on every or some path) when the method returns.</summary>
        HeldAtExit,
    }

    internal readonly struct LockFinding
    {
        public LockFinding(LockProblem problem, SyntaxNode at, string? lockClass, LockFact? held, SyntaxNode? earlier = null,
            int spinningHeld = 0, string? heldRelease = null, bool atAwait = false, LockMode mode = LockMode.Exclusive)
        {
            Mode = mode;
            AtAwait = atAwait;
            Problem = problem;
            At = at;
            Class = lockClass;
            Held = held;
            Earlier = earlier;
            SpinningHeld = spinningHeld;
            HeldRelease = heldRelease;
        }

        /// <summary>For KD203: the point is an <c>await</c> (the continuation may run on another thread), not a sleep.</summary>
        public bool AtAwait { get; }

        /// <summary>For KD203: how many spinning locks (or live maps) are held there.</summary>
        public int SpinningHeld { get; }

        /// <summary>For KD203: the call that releases the held map, when a variable holds it (<c>pte.Unlock()</c>).</summary>
        public string? HeldRelease { get; }

        public LockProblem Problem { get; }

        /// <summary>The acquisition, release or call at fault; for <see cref="LockProblem.HeldAtExit"/> the acquisition.</summary>
        public SyntaxNode At { get; }

        public string? Class { get; }

        /// <summary>The held lock it conflicts with.</summary>
        public LockFact? Held { get; }

        /// <summary>For a double release: the first release; for a release where the paths hold it in both modes: where the other mode was taken.</summary>
        public SyntaxNode? Earlier { get; }

        /// <summary>For a second acquisition or a release: the mode it asks for.</summary>
        public LockMode Mode { get; }
    }

    internal enum GuardProblem
    {
        /// <summary>Read without the lock held (on every path).</summary>
        ReadWithoutLock,
        /// <summary>Written without the lock held.</summary>
        WriteWithoutLock,
        /// <summary>Written while the lock is held for read only.</summary>
        WriteUnderShared,
        /// <summary>A reference to it is returned: it outlives the lock.</summary>
        ReferenceEscapes,
    }

    /// <summary>KD205: an access to guarded data without its lock held as the access needs.</summary>
    internal readonly struct GuardedAccessFinding
    {
        public GuardedAccessFinding(GuardProblem problem, SyntaxNode at, ISymbol member, string lockText, bool pointee, bool somePaths, string? contractText)
        {
            ContractText = contractText;
            Problem = problem;
            At = at;
            Member = member;
            Lock = lockText;
            Pointee = pointee;
            SomePaths = somePaths;
        }

        public GuardProblem Problem { get; }

        public SyntaxNode At { get; }

        /// <summary>The [GuardedBy] member, or the [PtGuardedBy] member through which the access goes.</summary>
        public ISymbol Member { get; }

        /// <summary>The lock, as a message names it.</summary>
        public string Lock { get; }

        /// <summary>The access is to what a [PtGuardedBy] member refers to.</summary>
        public bool Pointee { get; }

        /// <summary>The lock is held on some of the paths reaching the access.</summary>
        public bool SomePaths { get; }

        /// <summary>The lock as the enclosing function's [MustHold] would name it, or null when it cannot (the fix's argument).</summary>
        public string? ContractText { get; }
    }

    internal enum ContractProblem
    {
        /// <summary>A [MustHold] lock not held (on every path) at the call.</summary>
        NotHeld,
        /// <summary>A [MustHold] lock held for read where the callee needs it exclusively.</summary>
        HeldShared,
        /// <summary>A [MustNotHold] lock held at the call.</summary>
        HeldButExcluded,
        /// <summary>A [MustHold] body gives back its callers' lock and does not take it again.</summary>
        ReleasedAtExit,
    }

    /// <summary>KD206: a call that breaks its callee's lock contract, or a body that breaks its own.</summary>
    internal readonly struct ContractFinding
    {
        public ContractFinding(ContractProblem problem, SyntaxNode at, IMethodSymbol callee, string lockText, LockMode mode, bool somePaths, SyntaxNode? heldSince = null)
        {
            Problem = problem;
            At = at;
            Callee = callee;
            Lock = lockText;
            Mode = mode;
            SomePaths = somePaths;
            HeldSince = heldSince;
        }

        public ContractProblem Problem { get; }

        public SyntaxNode At { get; }

        /// <summary>The callee whose contract it is (for <see cref="ContractProblem.ReleasedAtExit"/>, the body itself).</summary>
        public IMethodSymbol Callee { get; }

        public string Lock { get; }

        /// <summary>The mode the contract asks for, or (an excluded lock) the mode it is held in.</summary>
        public LockMode Mode { get; }

        public bool SomePaths { get; }

        /// <summary>For an excluded lock: where it was taken.</summary>
        public SyntaxNode? HeldSince { get; }
    }

    /// <summary>What the engine saw at its fixed point, for the rules to report.</summary>
    internal sealed class Findings
    {
        public List<UseFinding> Uses { get; } = new List<UseFinding>();

        public List<FailedExitFinding> FailedExits { get; } = new List<FailedExitFinding>();

        public List<LeakFinding> Leaks { get; } = new List<LeakFinding>();

        /// <summary>KD302: charges not undone on an error exit.</summary>
        public List<ChargeLeakFinding> ChargeLeaks { get; } = new List<ChargeLeakFinding>();

        public List<LockFinding> Locks { get; } = new List<LockFinding>();

        /// <summary>KD205: accesses to guarded data without their lock.</summary>
        public List<GuardedAccessFinding> Guards { get; } = new List<GuardedAccessFinding>();

        /// <summary>KD206: broken lock contracts.</summary>
        public List<ContractFinding> Contracts { get; } = new List<ContractFinding>();

        /// <summary>KD305: page-table writes under a lock taken after a lockless snapshot of their PMD, not re-validated.</summary>
        public List<IInvocationOperation> UnvalidatedWrites { get; } = new List<IInvocationOperation>();

        /// <summary>KD303: calls of a get_user_pages-style API, with the flags the engine knows for them (null: unknown).</summary>
        public List<(IInvocationOperation Call, long? Flags)> GupCalls { get; } = new List<(IInvocationOperation, long?)>();

        /// <summary>KD304: comparisons with a positive Errno constant, with the value compared (flow captures resolved).</summary>
        public List<(IOperation Comparison, IOperation Errno, IOperation Compared)> ErrnoComparisons { get; } = new List<(IOperation, IOperation, IOperation)>();

        /// <summary>KD304: every return with a value, with the constant the engine knows for it.</summary>
        public List<(IOperation Value, ConstValue Constant)> Returns { get; } = new List<(IOperation, ConstValue)>();

        /// <summary>KD304: returns that a positive Errno constant may reach, with those constants as written (made on the first).</summary>
        public List<(IOperation Value, ErrnoSet Errnos)>? ReturnedErrnos { get; set; }

        /// <summary>KD301: calls of a crashing Runtime assertion (<c>Kernel.BugOn</c>) reached in this body.</summary>
        public List<IInvocationOperation> Assertions { get; } = new List<IInvocationOperation>();

        // What a summary of this function needs (see LockSummaries).

        /// <summary>Classes this function takes with a blocking acquisition, itself or through summarised callees.</summary>
        public HashSet<string> AcquiredClasses { get; } = new HashSet<string>();

        /// <summary>
        /// For a summary: how each class in <see cref="AcquiredClasses"/> was taken, the re-entrant locks it was (null:
        /// some acquisition of the class was not a re-entrant lock with a name). Made on the first acquisition.
        /// </summary>
        public Dictionary<string, List<Capability>?>? TakenAs { get; set; }

        /// <summary>Whether it takes a sleeping lock or calls something that may sleep.</summary>
        public bool MightSleep { get; set; }

        /// <summary>Classes it try-locks (a try-lock wrapper returns the try-lock's result).</summary>
        public HashSet<string> TriedClasses { get; } = new HashSet<string>();

        /// <summary>Classes of the locks it still holds at some exit (a try-lock wrapper holds its lock on success only).</summary>
        public HashSet<string> HeldClassesAtSomeExit { get; } = new HashSet<string>();

        /// <summary>Locks it took and still holds at every normal exit.</summary>
        public List<LockFact> HeldAtEveryExit { get; } = new List<LockFact>();

        /// <summary>Locks it releases without having taken them (its caller's), with the mode of the release.</summary>
        public List<(Capability Lock, LockMode Mode)> UnownedReleases { get; } = new List<(Capability, LockMode)>();

        /// <summary>How often a bound cut one fact (a charge counted as "many"): that fact only, the rest was analysed.</summary>
        public int BoundsHit { get; set; }

        /// <summary>The fixed point was not reached within its budget: nothing was reported for this body.</summary>
        public bool GaveUp { get; set; }

        /// <summary>The semantic model of the body (the graph's operations carry none).</summary>
        public SemanticModel? Model { get; set; }

        /// <summary>The function whose body was analysed (method, local function or lambda).</summary>
        public IMethodSymbol? Function { get; set; }
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
}
