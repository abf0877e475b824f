using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD103
{
    /// <summary>KD103 (Release a successful map or lock on every path): code that keeps the rule, on which nothing is reported.</summary>
    public class KD103Valid
    {
        [Fact]
        public Task ReleasedOnEveryPath() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Install(Pmd pmd, ulong addr, Folio folio)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    if (pte.Read(addr) is not null)
                    {
                        pte.Unlock();
                        return -Errno.EEXIST;
                    }
                    pte.Write(addr, Pte.Make(folio, 0, true));
                    pte.Unlock();
                    return 0;
                }
            }
            """);

        [Fact]
        public Task AReturnedLockTakenOnSomePathsReassignedOrHandedOn() => Verify.VerifyAnalyzerAsync("""
            sealed class Holder
            {
                private TicketLock? held;

                public void Begin(Pmd pmd) => held = pmd.Lock(); // handed on: stored past the method
            }

            static class C
            {
                static void Ternary(Pmd pmd, bool huge)
                {
                    var ptl = huge ? pmd.Lock() : null;
                    if (ptl != null)
                        ptl.Unlock();
                }

                static void Assigned(Pmd pmd, bool huge)
                {
                    TicketLock? ptl = null;
                    if (huge)
                        ptl = pmd.Lock();
                    if (ptl != null)
                        ptl.Unlock();
                }

                static void Conditional(Pmd? pmd)
                {
                    var ptl = pmd?.Lock();
                    ptl?.Unlock();
                }

                static void ReceiverReassigned(Pmd pmd, Pmd next)
                {
                    var ptl = pmd.Lock();
                    pmd = next;
                    ptl.Unlock();
                }

                static void Out(Pmd pmd, out TicketLock ptl) => ptl = pmd.Lock();

                static void In(Pmd pmd)
                {
                    Out(pmd, out var ptl);
                    ptl.Unlock();
                }
            }
            """);

        [Fact]
        public Task TryFinallyAndUsing() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int WithFinally(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    try
                    {
                        if (pte.Read(addr) is null)
                            return -Errno.ENOENT;
                        return 0;
                    }
                    finally
                    {
                        pte.Unlock();
                    }
                }

                int WithUsing(Pmd pmd, ulong addr)
                {
                    using var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    if (pte.Read(addr) is null)
                        return -Errno.ENOENT;
                    return 0;
                }

                int UsingThenEarlyUnlock(Pmd pmd, ulong addr)
                {
                    using var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    pte.Unlock();
                    return 0;
                }

                int UsingStatement(Pmd pmd, ulong addr)
                {
                    using (var pte = pmd.Map(addr))
                    {
                        if (pte is null)
                            return -Errno.EAGAIN;
                        return pte.Read(addr) is null ? 0 : 1;
                    }
                }
            }
            """);

        [Fact]
        public Task OwnershipHandedOn() => Verify.VerifyAnalyzerAsync("""
            sealed class Fault { public PteMap? Pte; }

            class C
            {
                PteMap? held;

                [Fallible, Acquires(LockClass.PtlName)]
                PteMap? LockPte(Pmd pmd, ulong addr) => pmd.MapLock(addr);

                PteMap? Returned(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    return pte;
                }

                bool OutParameter(Pmd pmd, ulong addr, out PteMap? pte)
                {
                    pte = pmd.MapLock(addr);
                    return pte != null;
                }

                void Field(Pmd pmd, ulong addr) => held = pmd.MapLock(addr);

                VmFault IntoTheFault(Fault vmf, Pmd pmd, ulong addr)
                {
                    vmf.Pte = pmd.MapLock(addr);
                    return vmf.Pte is null ? VmFault.NoPage : VmFault.None;
                }

                void Helper(PteMap pte) => pte.Unlock();

                int PassedToHelper(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    Helper(pte);
                    return 0;
                }
            }
            """);

        [Fact]
        public Task LoopsGotoAndLambdas() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Walk(MmStruct mm, ulong start, ulong end)
                {
                    int present = 0;
                    for (ulong addr = start; addr < end; addr += PageGeometry.PmdSize)
                    {
                        var pmd = mm.PmdOffset(addr);
                        if (pmd is null)
                            continue;
                        var pte = pmd.MapLock(addr);
                        if (pte is null)
                            continue;
                        if (pte.Read(addr) is not null)
                            present++;
                        pte.Unlock();
                    }
                    return present;
                }

                int Fill(Pmd pmd, ulong addr, Folio folio)
                {
                    int ret = -Errno.EAGAIN;
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        goto out_;
                    ret = -Errno.EEXIST;
                    if (pte.Read(addr) is not null)
                        goto out_unlock;
                    pte.Write(addr, Pte.Make(folio, 0, true));
                    ret = 0;
                out_unlock:
                    pte.Unlock();
                out_:
                    return ret;
                }

                Func<Pmd, int> Lambda() => pmd =>
                {
                    var pte = pmd.MapLock(0);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    pte.Unlock();
                    return 0;
                };

                int Local(Pmd pmd)
                {
                    return Inner(pmd);

                    static int Inner(Pmd p)
                    {
                        var pte = p.MapLock(0);
                        if (pte is null)
                            return -Errno.EAGAIN;
                        pte.Unlock();
                        return 0;
                    }
                }

                void PmdLockPair(Pmd pmd)
                {
                    var ptl = pmd.Lock();
                    ptl.Unlock();
                }
            }
            """);

        [Fact]
        public Task AnUnlockEndsOnlyWhatAnUnlockEnds() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                // folio_unlock(); folio_put(); the unlock ends the lock, not the folio's life.
                int UnlockThenPut(Pmd pmd, ulong addr)
                {
                    var folio = Folio.Alloc();
                    folio.Lock();
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                    {
                        folio.Unlock();
                        folio.Put();
                        return -Errno.EAGAIN;
                    }

                    pte.Write(addr, Pte.Make(folio, 0, true));
                    pte.Unlock();
                    folio.Unlock();
                    folio.Put();
                    return 0;
                }

                // Locked on one path only, unlocked there; the reference is given back on every path.
                void LockedOnOnePath(bool wait)
                {
                    var folio = Folio.Alloc();
                    if (wait)
                    {
                        folio.Lock();
                        folio.Unlock();
                    }

                    folio.Put();
                }

                // A try-lock that fails gives the reference back; a held one is unlocked, then put.
                int TryLock()
                {
                    var folio = Folio.Alloc();
                    if (!folio.TryLock())
                    {
                        folio.Put();
                        return -Errno.EAGAIN;
                    }

                    folio.Unlock();
                    folio.Put();
                    return 0;
                }

                // A lock returned by its acquisition is unlocked, not gone: it may be taken again.
                void Relock(Pmd pmd, Vma vma)
                {
                    var ptl = pmd.Lock();
                    ptl.Unlock();
                    ptl.Lock();
                    ptl.Unlock();
                    var huge = pmd.TransHugeLock(vma);
                    if (huge is null)
                        return;
                    huge.Unlock();
                    _ = huge.IsHeldByCurrentThread;
                }
            }
            """);
    }
}
