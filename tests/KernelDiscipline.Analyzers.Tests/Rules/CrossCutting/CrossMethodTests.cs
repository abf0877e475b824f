using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.CrossCutting
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

        [Fact]
        public Task AWrapperThatNamesNoClassTakesTheClassOfWhatItLocks() => Verify.VerifyAnalyzerAsync("""
            [assembly: LockClassDeclaration("buffer_pool", LockKind.Spinning, 850)]  // between pmd_lock and ptl

            sealed class BufferPool
            {
                [LockClass("buffer_pool")]
                private readonly TicketLock gate = new(LockClass.Declare("buffer_pool", LockKind.Spinning, 850));

                [Acquires] public void Lock() => gate.Lock();
                [TryAcquires] public bool TryLock() => gate.TryLock();
                [Releases] public void Unlock() => gate.Unlock();
            }

            [LockClass("buffer_pool")]
            sealed class TypedPool
            {
                [Acquires] public void Lock() { }
                [Releases] public void Unlock() { }
            }

            class C
            {
                // README's wrapper: the lock is buffer_pool (spinning, rank 850) through the wrapper.
                void SleepUnderIt(BufferPool pool, Folio folio)
                {
                    pool.Lock();
                    {|KD203:folio.Lock()|};
                    folio.Unlock();
                    pool.Unlock();
                }

                void OrderAgainstIt(BufferPool pool, Pmd pmd)
                {
                    pool.Lock();
                    var ptl = {|KD201:pmd.Lock()|}; // pmd_lock (rank 800) comes before buffer_pool
                    ptl.Unlock();
                    pool.Unlock();
                }

                void TriedThenSleep(BufferPool pool, Folio folio)
                {
                    if (!pool.TryLock())
                        return;
                    {|KD203:folio.Lock()|};
                    folio.Unlock();
                    pool.Unlock();
                }

                // A wrapper whose body says nothing takes its type's class.
                void TypedSleep(TypedPool pool, Folio folio)
                {
                    pool.Lock();
                    {|KD203:folio.Lock()|};
                    folio.Unlock();
                    pool.Unlock();
                }

                void InOrder(BufferPool pool, Pmd pmd, Folio folio)
                {
                    folio.Lock();
                    var ptl = pmd.Lock();
                    pool.Lock();
                    pool.Unlock();
                    ptl.Unlock();
                    folio.Unlock();
                }
            }
            """);
    }
}
