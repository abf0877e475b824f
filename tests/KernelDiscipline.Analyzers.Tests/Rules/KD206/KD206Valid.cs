using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD206
{
    /// <summary>KD206 (Call a method only under the locks its contract names): code that keeps the rule, on which nothing is reported.</summary>
    public class KD206Valid
    {
        [Fact]
        public Task ALockReturnedAsAMemberMeetsTheContractOnThatMember() => Verify.VerifyAnalyzerAsync("""
            using System.Runtime.CompilerServices;

            [assembly: LockClassDeclaration("slot_lock", LockKind.Spinning, 0)]

            static class Install
            {
                [MustHold("pmd.LockPointer")]
                static void SetHuge(Pmd pmd) { }

                static void ThroughTheResult(Pmd pmd)
                {
                    var ptl = pmd.Lock();
                    SetHuge(pmd);
                    ptl.Unlock();
                }

                static void ReleasedThroughTheMember(Pmd pmd)
                {
                    pmd.Lock();
                    SetHuge(pmd);
                    pmd.LockPointer.Unlock();
                }

                [Acquires(LockClass.PmdLockName, Target = LockTarget.ReturnValue, Returns = "pmd.LockPointer")]
                static TicketLock TakePmdLock(Pmd pmd) => pmd.Lock();

                static void ThroughAHelper(Pmd pmd)
                {
                    var ptl = TakePmdLock(pmd);
                    SetHuge(pmd);
                    ptl.Unlock();
                }

                static void TakenOnOnePath(Pmd pmd, bool huge)
                {
                    var ptl = huge ? pmd.Lock() : null;
                    if (ptl != null)
                    {
                        SetHuge(pmd);
                        ptl.Unlock();
                    }
                }

                static void TakenThroughTheMember(Pmd pmd)
                {
                    pmd.LockPointer.Lock();
                    SetHuge(pmd);
                    pmd.LockPointer.Unlock();
                }
            }

            sealed class Slot
            {
                [LockClass("slot_lock")]
                public readonly TicketLock Gate = new TicketLock(LockClass.Get("slot_lock"));

                [GuardedBy(nameof(Gate))]
                private int state;

                [Acquires("slot_lock", Target = LockTarget.ReturnValue, Returns = nameof(Gate))]
                public TicketLock Take([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
                {
                    Gate.Lock(file, line);
                    return Gate;
                }

                public void Bump()
                {
                    var held = Take();
                    state++;
                    held.Unlock();
                }

                public static void BumpOther(Slot other)
                {
                    var held = other.Take();
                    other.state++;
                    other.Gate.Unlock();
                }
            }
            """);

        [Fact]
        public Task AReturnedLockReleasedByItsNameThroughAHelperOrWithoutAClass() => Verify.VerifyAnalyzerAsync("""
            static class Install
            {
                [MustHold("pmd.LockPointer")]
                static void SetHuge(Pmd pmd) { }

                static void Drop(Pmd pmd) => pmd.LockPointer.Unlock();

                [Releases(Target = LockTarget.Arguments)]
                static void Put(TicketLock l) => l.Unlock();

                static void ThroughASummary(Pmd pmd)
                {
                    var ptl = pmd.Lock();
                    SetHuge(pmd);
                    Drop(pmd);
                }

                static void ThroughAnArgument(Pmd pmd)
                {
                    pmd.Lock();
                    SetHuge(pmd);
                    Put(pmd.LockPointer);
                }
            }

            sealed class Box
            {
                public readonly TicketLock Gate = new TicketLock(LockClass.PmdLock);

                [GuardedBy(nameof(Gate))]
                public int State;

                [Acquires(Target = LockTarget.ReturnValue, Returns = nameof(Gate))] // no class: Gate's
                public TicketLock Take()
                {
                    Gate.Lock();
                    return Gate;
                }

                public static void Use(Box b)
                {
                    b.Take();
                    b.State++;
                    b.Gate.Unlock();
                }
            }

            sealed class Holder<L>
            {
                public L Gate = default!;
            }

            static class Generic
            {
                [Acquires(LockClass.PmdLockName, Target = LockTarget.ReturnValue, Returns = "h.Gate")]
                static TicketLock Take(Holder<TicketLock> h)
                {
                    h.Gate.Lock();
                    return h.Gate;
                }

                [MustHold("h.Gate")]
                static void Need(Holder<TicketLock> h) { }

                static void Use(Holder<TicketLock> h)
                {
                    var l = Take(h);
                    Need(h);
                    l.Unlock();
                }
            }
            """);

        [Fact]
        public Task AReturnedLockInARetryLoopThroughACopiedReceiverAndAGenericStaticContract() => Verify.VerifyAnalyzerAsync("""
            static class Install
            {
                [MustHold("pmd.LockPointer")]
                static void SetHuge(Pmd pmd) { }

                static bool Changed(Pmd pmd) => false;

                static int RetryGoto(Pmd first, System.Func<Pmd, Pmd> next)
                {
                    var pmd = first;
                again:
                    var ptl = pmd.Lock();
                    if (Changed(pmd))
                    {
                        ptl.Unlock();
                        pmd = next(pmd);
                        goto again;
                    }

                    SetHuge(pmd);
                    ptl.Unlock();
                    return 0;
                }
            }

            static class S<T>
            {
                public static readonly object Gate = new();

                [MustHold(nameof(Gate))]
                public static void Need() { }
            }

            static class Users
            {
                static void Use()
                {
                    lock (S<int>.Gate)
                        S<int>.Need();
                }
            }
            """);

        [Fact]
        public Task ContractsKept() => Verify.VerifyAnalyzerAsync("""
            static class Vmas
            {
                [MustHold("mm.MmapLock", Shared = true)]
                public static int CountVmas(MmStruct mm) => mm.FindVma(0) is null ? 0 : 1;

                [MustHold("mm.MmapLock")]
                public static void Unmap(MmStruct mm) => mm.FindVma(0);

                [MustHold("mm.MmapLock", Shared = true)]
                public static int Twice(MmStruct mm) => CountVmas(mm) + CountVmas(mm); // its own contract covers its calls

                public static int ForRead(MmStruct mm)
                {
                    mm.MmapLock.DownRead();
                    try
                    {
                        return CountVmas(mm);
                    }
                    finally
                    {
                        mm.MmapLock.UpRead();
                    }
                }

                public static int WriterMayRead(MmStruct mm)
                {
                    mm.MmapLock.DownWrite();
                    int n = CountVmas(mm);
                    Unmap(mm);
                    mm.MmapLock.UpWrite();
                    return n;
                }

                public static int Asserted(MmStruct mm)
                {
                    Lockdep.AssertHeld(mm.MmapLock);
                    return CountVmas(mm);
                }

                public static int Other(MmStruct mm, MmStruct other)
                {
                    using (other.MmapLock.ReadScope())
                        return CountVmas(other);
                }
            }

            sealed class Cache
            {
                private readonly object gate = new();

                [MustNotHold(nameof(gate))]
                public void Refill()
                {
                    lock (gate)
                    {
                    }
                }

                public void Outside()
                {
                    lock (gate)
                    {
                    }

                    Refill();
                }
            }

            sealed class Pager
            {
                private readonly KernelMutex mutex = new(LockClass.Declare("pager", LockKind.Sleeping, 0));

                [MustHold(nameof(mutex))]
                public void DropAndRetake()
                {
                    mutex.Unlock();
                    mutex.Lock();
                }
            }
            """);
    }
}
