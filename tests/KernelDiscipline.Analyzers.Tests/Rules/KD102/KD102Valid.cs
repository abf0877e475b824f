using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD102
{
    /// <summary>KD102 (Retry a failed map or return -EAGAIN): code that keeps the rule, on which nothing is reported.</summary>
    public class KD102Valid
    {
        [Fact]
        public Task RetryLoopOverTheSameAddressIsARetryEvenWhenStrict() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Retry(Pmd pmd, ulong addr)
                {
                    for (int tries = 0; tries < 3; tries++)
                    {
                        var pte = pmd.MapLock(addr);
                        if (pte is null)
                            continue;
                        pte.Unlock();
                        return 0;
                    }

                    return -Errno.EAGAIN;
                }

                int GotoOutKeepsItsErrnoAfterTheJoin(Pmd pmd, ulong addr, bool busy)
                {
                    int ret = -Errno.EAGAIN;
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        goto out_;
                    ret = busy ? -Errno.EBUSY : 0;
                    pte.Unlock();
                out_:
                    return ret;
                }
            }
            """, KD102Diagnostics.Strict);

        [Fact]
        public Task MfillAtomicInstallPte() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                // mm/userfaultfd.c: ret is -EAGAIN when the map fails; other errors come later.
                int MfillAtomicInstallPte(Pmd pmd, Vma vma, ulong addr, Folio folio)
                {
                    int ret = -Errno.EAGAIN;
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        goto out_;
                    ret = -Errno.EEXIST;
                    if (pte.Read(addr) is not null)
                        goto out_unlock;
                    pte.Write(addr, Pte.Make(folio, 0, vma.IsWritable));
                    ret = 0;
                out_unlock:
                    pte.Unlock();
                out_:
                    return ret;
                }
            }
            """);

        [Fact]
        public Task ChangePteRangeWithCallersGotoAgain() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                // mm/mprotect.c: change_pte_range returns -EAGAIN; change_pmd_range retries.
                long ChangePteRange(Pmd pmd, ulong addr, ulong end)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    long pages = 0;
                    for (; addr < end; addr += PageGeometry.PageSize)
                        if (pte.Read(addr) is not null) pages++;
                    pte.Unlock();
                    return pages;
                }

                long ChangePmdRange(Pmd pmd, ulong addr, ulong end)
                {
                again:
                    long ret = ChangePteRange(pmd, addr, end);
                    if (ret < 0)
                        goto again;
                    return ret;
                }
            }
            """);

        [Fact]
        public Task RetryLoopsAndGotoAgain() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                void Loop(Pmd pmd, ulong addr)
                {
                    while (true)
                    {
                        var pte = pmd.MapLock(addr);
                        if (pte is null)
                            continue;
                        pte.Unlock();
                        break;
                    }
                }

                int Again(Pmd pmd, ulong addr)
                {
                again:
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        goto again;
                    pte.Unlock();
                    return 0;
                }
            }
            """);

        [Fact]
        public Task FinishFaultNoPageAndWalkAgainAction() => Verify.VerifyAnalyzerAsync("""
            enum WalkAction { Continue, Again }
            sealed class Walk { public WalkAction Action; }
            sealed class Fault { public PteMap? Pte; }

            class C
            {
                // mm/memory.c finish_fault: the refault is the retry.
                VmFault FinishFault(Fault vmf, Pmd pmd, ulong addr)
                {
                    vmf.Pte = pmd.MapLock(addr);
                    if (vmf.Pte == null)
                        return VmFault.NoPage;
                    vmf.Pte.Unlock();
                    return VmFault.None;
                }

                // mm/pagewalk.c walk_pte_range: ACTION_AGAIN makes the walker retry.
                int WalkPteRange(Walk walk, Pmd pmd, ulong addr)
                {
                    var pte = pmd.Map(addr);
                    if (pte is null)
                    {
                        walk.Action = WalkAction.Again;
                        return 0;
                    }
                    pte.Dispose();
                    return 0;
                }

                // mm/memory.c zap_pte_range: the caller retries from the returned address.
                ulong ZapPteRange(Pmd pmd, ulong addr, ulong end)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return addr;
                    pte.Unlock();
                    return end;
                }
            }
            """);

        [Fact]
        public Task OtherErrorsOnTheSuccessPathAreNotKD102() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Run(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    if (pte.Read(addr) is null)
                    {
                        pte.Unlock();
                        return -Errno.EFAULT;
                    }
                    pte.Unlock();
                    throw new InvalidOperationException("unrelated");
                }
            }
            """);
    }
}
