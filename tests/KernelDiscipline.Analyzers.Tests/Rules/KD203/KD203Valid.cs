using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD203
{
    /// <summary>KD203 (Do not sleep in atomic context): code that keeps the rule, on which nothing is reported.</summary>
    public class KD203Valid
    {
        [Fact]
        public Task ASleepingLockThatNamesNoClassDoesNotSpin() => Verify.VerifyAnalyzerAsync("""
            sealed class Pool
            {
                private readonly KernelMutex gate = new KernelMutex(LockClass.Declare("pool_mutex", LockKind.Sleeping, 0)); // no [LockClass]: it sleeps
                private readonly TicketLock spin = new TicketLock(LockClass.Ptl);

                public void Refill(Folio folio)
                {
                    gate.Lock();
                    folio.Lock();
                    folio.Unlock();
                    gate.Unlock();
                }

                public void AfterDroppingTheSpinningOne(Folio folio)
                {
                    spin.Lock();
                    spin.Unlock();
                    folio.Lock();
                    folio.Unlock();
                }

                public void AsAMonitor(Folio folio)
                {
                    lock (spin) // its monitor, which does not spin
                    {
                        folio.Lock();
                        folio.Unlock();
                    }
                }
            }
            """);

        [Fact]
        public Task TryLockUnderSpinlockAndSleepingAfterDroppingIt() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                // The kernel's answer: try-lock under the spinlock; on failure drop it, sleep, retry.
                int Good(Pmd pmd, ulong addr, Folio folio)
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

                void AllocBeforeTheLock(Pmd pmd)
                {
                    var folio = Folio.Alloc();
                    var ptl = pmd.Lock();
                    ptl.Unlock();
                    folio.Put();
                }
            }
            """);

        [Fact]
        public Task DotNetWaitsOutsideTheSpinningLockPollsAndAwaitUnderASemaphore() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            sealed class Waits
            {
                private readonly SemaphoreSlim sem = new SemaphoreSlim(1);
                private readonly AutoResetEvent signal = new AutoResetEvent(false);
                private readonly ManualResetEventSlim ready = new ManualResetEventSlim();

                int AroundThePtl(Pmd pmd, ulong addr, Task task, Task<int> result)
                {
                    Thread.Sleep(1);
                    task.Wait();
                    int r = result.Result;
                    signal.WaitOne();
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    pte.Unlock();
                    sem.Wait();
                    sem.Release();
                    result.GetAwaiter().GetResult();
                    return r;
                }

                // A zero timeout polls and returns: under the spinning lock that is fine.
                void PollsUnderThePmdLock(Pmd pmd, Task task)
                {
                    var pml = pmd.Lock();
                    if (signal.WaitOne(0))
                        pml.Unlock();
                    else
                        pml.Unlock();
                    pml = pmd.Lock();
                    if (sem.Wait(0))
                        sem.Release();
                    _ = ready.Wait(TimeSpan.Zero);
                    _ = task.Wait(0);
                    pml.Unlock();
                }

                // What a SemaphoreSlim is for: awaiting under it.
                async Task AwaitUnderASemaphore(Pmd pmd)
                {
                    await sem.WaitAsync();
                    try
                    {
                        await Task.Delay(1);
                    }
                    finally
                    {
                        sem.Release();
                    }

                    var pml = pmd.Lock();
                    pml.Unlock();
                }

                // Under a sleeping lock a thread may sleep.
                void UnderTheMmapLock(MmStruct mm, Task task)
                {
                    mm.MmapLock.DownRead();
                    Thread.Sleep(1);
                    task.Wait();
                    mm.MmapLock.UpRead();
                }
            }
            """);
    }
}
