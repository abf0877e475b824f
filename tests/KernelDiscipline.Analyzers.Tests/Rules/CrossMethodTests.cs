using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules
{
    /// <summary>Calls to un-annotated methods of the same compilation count through their summaries.</summary>
    public class CrossMethodTests
    {
        [Fact]
        public Task HelperThatSleepsOrTakesAnOuterLockIsFlaggedAtTheCall() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                static void RefreshVma(MmStruct mm)
                {
                    mm.MmapLock.DownRead();
                    mm.MmapLock.UpRead();
                }

                static Folio Allocate() => Folio.Alloc();

                int Bad(MmStruct mm, Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    {|KD203:RefreshVma(mm)|};
                    var folio = {|KD203:Allocate()|};
                    pte.Unlock();
                    folio.Put();
                    return 0;
                }
            }
            """);

        [Fact]
        public Task HelpersThatLockAndUnlockForTheCallerBalance() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                static void UnlockMm(MmStruct mm) => mm.MmapLock.UpRead();

                // Returns with the lock held but does not say so: KD204 here, and the caller sees it held.
                static void TakeMm(MmStruct mm) => {|KD204:mm.MmapLock.DownRead()|};

                int Good(MmStruct mm, Folio folio, ulong addr)
                {
                    TakeMm(mm);
                    folio.Lock(); // mmap_lock (taken by the helper) before the folio lock: in order
                    var vma = mm.FindVma(addr);
                    folio.Unlock();
                    UnlockMm(mm);
                    return vma is null ? -Errno.EFAULT : 0;
                }

                int Leaks(MmStruct mm, Folio folio, ulong addr)
                {
                    {|KD204:TakeMm(mm)|};
                    folio.Lock();
                    folio.Unlock();
                    return mm.FindVma(addr) is null ? -Errno.EFAULT : 0;
                }

                void Twice(MmStruct mm, Folio folio)
                {
                    TakeMm(mm);
                    folio.Lock();
                    folio.Unlock();
                    UnlockMm(mm);
                    {|KD204:UnlockMm(mm)|};
                }

                void OutOfOrder(MmStruct mm, Folio folio)
                {
                    folio.Lock();
                    {|KD201:TakeMm(mm)|};
                    UnlockMm(mm);
                    folio.Unlock();
                }
            }
            """);

        [Fact]
        public Task RecursionAndDepthAreBounded() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                static int Walk(MmStruct mm, int depth) => depth == 0 ? Leaf(mm) : Walk(mm, depth - 1);

                static int Leaf(MmStruct mm)
                {
                    mm.MmapLock.DownRead();
                    mm.MmapLock.UpRead();
                    return 0;
                }

                int Run(MmStruct mm, Pmd pmd)
                {
                    var ptl = pmd.Lock();
                    int n = {|KD203:Walk(mm, 3)|};
                    ptl.Unlock();
                    return n;
                }
            }
            """);
    }
}
