using System.Threading;
using KernelDiscipline.Runtime;
using Xunit;

namespace KernelDiscipline.Runtime.Tests
{
    /// <summary>Lockdep.AssertHeld (lockdep_assert_held) on the locks the analyses know, and at the Runtime's own assertion points.</summary>
    public class LockdepAssertTests
    {
        [Fact]
        public void AFolioIsAssertedThroughItsLock()
        {
            // The analyses take a folio for its lock ([LockClass] on the type): AssertHeld(folio) must ask that lock,
            // not the folio's monitor, or it throws at every correct caller.
            using var lockdep = new LockdepScope();
            var folio = Folio.Alloc();
            folio.Lock();
            Lockdep.AssertHeld(folio);
            Lockdep.AssertHeldShared(folio);
            folio.Unlock();
            var error = Assert.Throws<LockStateException>(() => Lockdep.AssertHeld(folio));
            Assert.Contains("folio_lock", error.Message);
            folio.Put();
            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void FindVmaAssertsTheCallersOwnHold()
        {
            // mmap_assert_locked: another thread's hold of the mmap lock does not cover this thread's lookup.
            using var lockdep = new LockdepScope();
            var (mm, _) = Mm.WithVma();
            using var held = new ManualResetEventSlim();
            using var done = new ManualResetEventSlim();
            var holder = new Thread(() =>
            {
                mm.MmapLock.DownRead();
                held.Set();
                done.Wait();
                mm.MmapLock.UpRead();
            });
            holder.Start();
            held.Wait();
            try
            {
                Assert.Throws<LockStateException>(() => mm.FindVma(Mm.Base));
            }
            finally
            {
                done.Set();
                holder.Join();
            }

            mm.MmapLock.DownRead();
            Assert.NotNull(mm.FindVma(Mm.Base));
            mm.MmapLock.UpRead();
            Assert.Empty(lockdep.Reports);
        }
    }
}
