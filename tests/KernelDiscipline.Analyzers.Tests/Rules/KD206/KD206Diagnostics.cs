using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD206
{
    /// <summary>KD206 (Call a method only under the locks its contract names): calls and bodies the rule reports.</summary>
    public class KD206Diagnostics
    {
        [Fact]
        public Task ALockReturnedAsAMemberOfAnotherReceiverOrReleased() => Verify.VerifyAnalyzerAsync("""
            static class Install
            {
                [MustHold("pmd.LockPointer")]
                static void SetHuge(Pmd pmd) { }

                static void AnotherPmd(Pmd pmd, Pmd other)
                {
                    var ptl = other.Lock();
                    {|#0:SetHuge(pmd)|};
                    ptl.Unlock();
                }

                static void AfterTheRelease(Pmd pmd)
                {
                    var ptl = pmd.Lock();
                    pmd.LockPointer.Unlock();
                    {|#1:SetHuge(pmd)|};
                }
            }
            """,
            Verify.Diagnostic("KD206").WithLocation(0).WithArguments("SetHuge(pmd)", "calls SetHuge(), which requires pmd.LockPointer held exclusively, without holding it"),
            Verify.Diagnostic("KD206").WithLocation(1).WithArguments("SetHuge(pmd)", "calls SetHuge(), which requires pmd.LockPointer held exclusively, without holding it"));

        [Fact]
        public Task MustHoldWithoutTheLockOrInTheWrongMode() => Verify.VerifyAnalyzerAsync("""
            static class Vmas
            {
                [MustHold("mm.MmapLock", Shared = true)]
                public static int CountVmas(MmStruct mm) => mm.FindVma(0) is null ? 0 : 1;

                [MustHold("mm.MmapLock")]
                public static void Unmap(MmStruct mm) => mm.FindVma(0);

                public static int NotHeld(MmStruct mm) => {|#0:CountVmas(mm)|};

                public static void OnlyForRead(MmStruct mm)
                {
                    mm.MmapLock.DownRead();
                    {|#1:Unmap(mm)|};
                    mm.MmapLock.UpRead();
                }

                public static int AnotherInstance(MmStruct mm, MmStruct other)
                {
                    mm.MmapLock.DownRead();
                    int n = {|KD206:CountVmas(other)|};
                    mm.MmapLock.UpRead();
                    return n;
                }
            }
            """,
            Verify.Diagnostic("KD206").WithLocation(0).WithArguments("CountVmas(mm)", "calls CountVmas(), which requires mm.MmapLock held (for read suffices), without holding it"),
            Verify.Diagnostic("KD206").WithLocation(1).WithArguments("Unmap(mm)", "calls Unmap(), which requires mm.MmapLock held exclusively, while it is held only for read"));

        [Fact]
        public Task ALocalFunctionCalledUnlockedByABodyThatIsNotOtherwiseRead() => Verify.VerifyAnalyzerAsync("""
            sealed class Counter
            {
                private readonly object gate = new();

                [MustHold(nameof(gate))]
                private void Bump() { }

                public void Run()
                {
                    Helper(); // without gate: Helper cannot count on it
                    Locked();

                    void Locked()
                    {
                        lock (gate)
                            Helper();
                    }

                    void Helper() => {|#0:Bump()|};
                }
            }
            """,
            Verify.Diagnostic("KD206").WithLocation(0).WithArguments("Bump()", "calls Bump(), which requires gate held exclusively, without holding it"));

        [Fact]
        public Task AReturnedLockNamedThroughAReceiverThatChanged() => Verify.VerifyAnalyzerAsync("""
            static class Install
            {
                [MustHold("pmd.LockPointer")]
                static void SetHuge(Pmd pmd) { }

                static Pmd Next(Pmd p) => p;

                static void AliasMovesOnInTheLoop(Pmd x, Pmd y, bool c)
                {
                    var p = x;
                    while (c)
                    {
                        var l = p.Lock();
                        {|#0:SetHuge(x)|}; // x's lock on the first turn only
                        l.Unlock();
                        p = y;
                    }
                }

                static void ReceiverReassigned(Pmd pmd)
                {
                    var ptl = pmd.Lock();
                    pmd = Next(pmd);
                    {|#1:SetHuge(pmd)|};
                    ptl.Unlock();
                }

                static void IndexMovedOn(Pmd[] pmds, int i)
                {
                    var ptl = pmds[i].Lock();
                    i++;
                    {|#3:SetHuge(pmds[i])|};
                    ptl.Unlock();
                }

                static void ReleasedOrMovedOn(Pmd pmd, Pmd other, bool c)
                {
                    var ptl = {|#5:pmd.Lock()|};
                    if (c)
                        ptl.Unlock();
                    else
                        pmd = other;
                    {|#4:SetHuge(pmd)|};
                }

                static void MovedOnOrReleased(Pmd pmd, Pmd other, bool c)
                {
                    var ptl = {|#7:pmd.Lock()|};
                    if (!c)
                        pmd = other;
                    else
                        ptl.Unlock();
                    {|#6:SetHuge(pmd)|};
                }

                static void OneOfTwo(Pmd a, Pmd b, bool c, bool d)
                {
                    TicketLock? ptl = null;
                    if (c)
                        ptl = a.Lock();
                    else if (d)
                        ptl = b.Lock();
                    if (ptl != null)
                    {
                        {|#2:SetHuge(a)|};
                        ptl.Unlock();
                    }
                }
            }
            """,
            Verify.Diagnostic("KD206").WithLocation(0).WithArguments("SetHuge(x)", "calls SetHuge(), which requires x.LockPointer held exclusively, without holding it"),
            Verify.Diagnostic("KD206").WithLocation(1).WithArguments("SetHuge(pmd)", "calls SetHuge(), which requires pmd.LockPointer held exclusively, without holding it"),
            Verify.Diagnostic("KD206").WithLocation(3).WithArguments("SetHuge(pmds[i])", "calls SetHuge(), which requires pmds[i].LockPointer held exclusively, without holding it"),
            Verify.Diagnostic("KD103").WithLocation(5).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithArguments("pmd.Lock()", "succeeds on a path that leaves the method without releasing it; call Unlock() on every path out, or hand ownership on"),
            Verify.Diagnostic("KD206").WithLocation(4).WithArguments("SetHuge(pmd)", "calls SetHuge(), which requires pmd.LockPointer held exclusively, without holding it"),
            Verify.Diagnostic("KD103").WithLocation(7).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithArguments("pmd.Lock()", "succeeds on a path that leaves the method without releasing it; call Unlock() on every path out, or hand ownership on"),
            Verify.Diagnostic("KD206").WithLocation(6).WithArguments("SetHuge(pmd)", "calls SetHuge(), which requires pmd.LockPointer held exclusively, without holding it"),
            Verify.Diagnostic("KD206").WithLocation(2).WithArguments("SetHuge(a)", "calls SetHuge(), which requires a.LockPointer held exclusively, where it is held on some paths only"));

        [Fact]
        public Task MustNotHoldWithTheLockHeld() => Verify.VerifyAnalyzerAsync("""
            sealed class Cache
            {
                private readonly object gate = new();

                [GuardedBy(nameof(gate))]
                private int size;

                [MustNotHold(nameof(gate))]
                public void Refill()
                {
                    lock (gate)
                        size = 0;
                }

                public void Nested()
                {
                    lock (gate)
                    {
                        {|#0:Refill()|};
                    }
                }
            }
            """,
            Verify.Diagnostic("KD206").WithLocation(0).WithArguments("Refill()", "calls Refill(), which must not be called with gate held (it takes it itself), and gate is held here (taken at line 17)"));

        [Fact]
        public Task AMustHoldBodyThatGivesBackItsCallersLock() => Verify.VerifyAnalyzerAsync("""
            sealed class Pager
            {
                private readonly KernelMutex mutex = new(LockClass.Declare("pager", LockKind.Sleeping, 0));

                [MustHold(nameof(mutex))]
                public void Drop()
                {
                    {|#0:mutex.Unlock()|};
                }

                [MustHold(nameof(mutex))]
                [Releases]
                public void DropByContract() => mutex.Unlock();
            }
            """,
            Verify.Diagnostic("KD206").WithLocation(0).WithArguments("mutex.Unlock()", "leaves Drop without mutex, which its callers hold by contract ([MustHold]); take it again before returning, or declare the method [Releases]"));

        [Fact]
        public Task PropertyAccessorsWithContracts() => Verify.VerifyAnalyzerAsync("""
            sealed class Stats
            {
                private readonly object gate = new();

                [GuardedBy(nameof(gate))]
                private int hits;

                public int Hits
                {
                    [MustHold(nameof(gate), Shared = true)] get => hits;
                    [MustHold(nameof(gate))] set => hits = value;
                }

                public int Read() => {|KD206:Hits|};

                public void Write() => {|KD206:Hits|} = 1;

                public void Locked()
                {
                    lock (gate)
                        Hits = Hits + 1;
                }
            }
            """);
    }
}
