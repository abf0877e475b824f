using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD203
{
    /// <summary>KD203 (Do not sleep in atomic context): code the rule flags, and where.</summary>
    public class KD203Diagnostics
    {
        [Fact]
        public Task FolioLockUnderThePtl() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Bad(Pmd pmd, ulong addr, Folio folio)
                {
                    var pte = {|#1:pmd.MapLock(addr)|};
                    if (pte is null)
                        return -Errno.EAGAIN;
                    {|#0:folio.Lock()|};
                    folio.Unlock();
                    pte.Unlock();
                    return 0;
                }
            }
            """,
            Verify.Diagnostic("KD203").WithLocation(0).WithLocation(1).WithArguments("folio.Lock()", "may sleep", "ptl", "5", "try-lock instead, and when that fails drop ptl, take the sleeping lock and retry"));

        [Fact]
        public Task ATicketLockThatNamesNoClassStillSpins() => Verify.VerifyAnalyzerAsync("""
            sealed class Pool
            {
                private readonly TicketLock gate = new TicketLock(LockClass.Ptl); // no [LockClass]: no order check, but it spins

                public void Refill(Folio folio)
                {
                    {|#1:gate.Lock()|};
                    {|#0:folio.Lock()|};
                    folio.Unlock();
                    gate.Unlock();
                }
            }
            """,
            Verify.Diagnostic("KD203").WithLocation(0).WithLocation(1).WithArguments("folio.Lock()", "may sleep", "'gate'", "7", "try-lock instead, and when that fails drop 'gate', take the sleeping lock and retry"));

        [Fact]
        public Task AllocationUnderASpinningLockIsNotToldToTryLock() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                void Bad(Pmd pmd)
                {
                    var ptl = {|#1:pmd.Lock()|};
                    var folio = {|#0:Folio.Alloc()|};
                    ptl.Unlock();
                    folio.Put();
                }
            }
            """,
            Verify.Diagnostic("KD203").WithLocation(0).WithLocation(1).WithArguments("Folio.Alloc()", "may sleep", "pmd_lock", "5",
                "make the call before taking pmd_lock, or drop pmd_lock around it and take it again after"));

        [Fact]
        public Task AwaitWhileASpinningLockOrAMapIsHeld() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Bad(Pmd pmd, ulong addr)
                {
                    var pte = {|#1:pmd.MapLock(addr)|};
                    if (pte is null)
                        return -Errno.EAGAIN;
                    {|#0:await Task.Yield()|};
                    pte.Unlock(); // on another thread: the PTL's owner check throws here
                    return 0;
                }

                async Task BadLock(Pmd pmd)
                {
                    var ptl = pmd.Lock();
                    {|KD203:await Task.Delay(1)|};
                    ptl.Unlock();
                }

                async Task<int> Good(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    var entry = pte.Read();
                    pte.Unlock();
                    await Task.Yield();
                    return entry is null ? 0 : 1;
                }

                async Task GoodSleepingLock(MmStruct mm)
                {
                    await mm.MmapLock.DownReadAsyncFree();
                }
            }
            """.Replace("await mm.MmapLock.DownReadAsyncFree();", "await Task.Yield();\n        mm.MmapLock.DownRead();\n        mm.MmapLock.UpRead();"),
            Verify.Diagnostic("KD203").WithLocation(0).WithLocation(1).WithArguments("await Task.Yield()", "may resume on another thread", "ptl", "7", "release ptl before awaiting"));

        [Fact]
        public Task SleepingUnderLocklessMapAndMightSleepUnderPmdLock() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Map(Pmd pmd, ulong addr, Vma vma)
                {
                    using var pte = pmd.Map(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    {|KD203:vma.VmaLock.DownRead()|};
                    vma.VmaLock.UpRead();
                    return 0;
                }

                void Alloc(Pmd pmd)
                {
                    var ptl = pmd.Lock();
                    var folio = {|KD203:Folio.Alloc()|};
                    ptl.Unlock();
                    folio.Put();
                }
            }
            """);

        [Fact]
        public Task DotNetBlockingWaitsUnderASpinningLock() => Verify.VerifyAnalyzerAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            [assembly: LockClassDeclaration("spin_table", LockKind.Spinning, 860)]

            sealed class Waits
            {
                private readonly SemaphoreSlim sem = new SemaphoreSlim(1);
                private readonly AutoResetEvent signal = new AutoResetEvent(false);
                private readonly ManualResetEventSlim ready = new ManualResetEventSlim();
                private readonly Mutex mutex = new Mutex();
                private readonly object monitor = new object();
                [LockClass("spin_table")]
                private readonly TicketLock table = null!;

                int UnderThePtl(Pmd pmd, ulong addr, Task task, Task<int> result, Thread worker)
                {
                    var pte = {|#1:pmd.MapLock(addr)|};
                    if (pte is null)
                        return -Errno.EAGAIN;
                    {|#0:Thread.Sleep(1)|};
                    {|KD203:task.Wait()|};
                    int r = {|KD203:result.Result|};
                    {|KD203:result.GetAwaiter().GetResult()|};
                    {|KD203:task.ConfigureAwait(false).GetAwaiter().GetResult()|};
                    {|KD203:signal.WaitOne()|};
                    {|KD203:WaitHandle.WaitAll(new WaitHandle[] { signal })|};
                    {|KD203:sem.Wait()|};
                    sem.Release();
                    {|KD203:Monitor.Wait(monitor)|};
                    {|KD203:worker.Join()|};
                    {|KD203:Task.WaitAll(task)|};
                    {|KD203:Task.WaitAny(task)|};
                    {|KD203:mutex.WaitOne()|};
                    mutex.ReleaseMutex();
                    {|KD203:ready.Wait()|};
                    {|KD203:signal.WaitOne(100)|};
                    pte.Unlock();
                    return r;
                }

                void UnderThePmdLock(Pmd pmd, Task task)
                {
                    var pml = pmd.Lock();
                    {|KD203:Thread.Sleep(1)|};
                    {|KD203:task.Wait(100)|};
                    pml.Unlock();
                }

                void UnderATicketLock(Pmd pmd, Task<int> result)
                {
                    pmd.LockPointer.Lock();
                    _ = {|KD203:result.Result|};
                    pmd.LockPointer.Unlock();
                    table.Lock();
                    {|KD203:sem.Wait()|};
                    sem.Release();
                    table.Unlock();
                }

                // A helper that waits sleeps at its call.
                void ThroughAHelper(Pmd pmd)
                {
                    var pml = pmd.Lock();
                    {|KD203:Nap()|};
                    pml.Unlock();
                }

                private static void Nap() => Thread.Sleep(1);
            }
            """,
            Verify.Diagnostic("KD203").WithLocation(0).WithLocation(1).WithArguments("Thread.Sleep(1)", "may sleep", "ptl", "18",
                "make the call before taking ptl, or drop ptl around it and take it again after"));
    }
}
