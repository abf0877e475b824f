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
    }
}
