using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    KernelDiscipline.Analyzers.KernelDisciplineAnalyzer, KernelDiscipline.CodeFixes.TryLockAndRetryCodeFix>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD203
{
    /// <summary>KD203's fix, TryLockAndRetryCodeFix: one diagnostic at a time and Fix All give the fixed code; no fix where none is clearly right.</summary>
    public class KD203CodeFix
    {
        [Fact]
        public Task SleepingLockUnderAMapBecomesTryLockDropAndRetry() => Verify.VerifyCodeFixAsync("""
            class C
            {
                int Move(Pmd pmd, ulong addr, Folio folio)
                {
                retry:
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    {|KD203:folio.Lock()|};
                    folio.Unlock();
                    pte.Unlock();
                    return 0;
                }

                void Read(Pmd pmd, MmStruct mm)
                {
                again:
                    var ptl = pmd.Lock();
                    {|KD203:mm.MmapLock.DownRead()|};
                    mm.MmapLock.UpRead();
                    ptl.Unlock();
                }
            }
            """,
            """
            class C
            {
                int Move(Pmd pmd, ulong addr, Folio folio)
                {
                retry:
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    if (!folio.TryLock())
                    {
                        pte.Unlock();
                        folio.Lock();
                        folio.Unlock();
                        goto retry;
                    }
                    folio.Unlock();
                    pte.Unlock();
                    return 0;
                }

                void Read(Pmd pmd, MmStruct mm)
                {
                again:
                    var ptl = pmd.Lock();
                    if (!mm.MmapLock.TryDownRead())
                    {
                        ptl.Unlock();
                        mm.MmapLock.DownRead();
                        mm.MmapLock.UpRead();
                        goto again;
                    }
                    mm.MmapLock.UpRead();
                    ptl.Unlock();
                }
            }
            """);

        [Fact]
        public Task NoFixWithoutARetryPoint() => Verify.VerifyCodeFixAsync("""
            class C
            {
                int Move(Pmd pmd, ulong addr, Folio folio)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    {|KD203:folio.Lock()|};
                    folio.Unlock();
                    pte.Unlock();
                    return 0;
                }
            }
            """,
            """
            class C
            {
                int Move(Pmd pmd, ulong addr, Folio folio)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    {|KD203:folio.Lock()|};
                    folio.Unlock();
                    pte.Unlock();
                    return 0;
                }
            }
            """);
    }
}
