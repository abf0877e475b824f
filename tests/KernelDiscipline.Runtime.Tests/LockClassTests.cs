using System;
using System.Linq;
using System.Reflection;
using KernelDiscipline.Runtime;
using Xunit;

namespace KernelDiscipline.Runtime.Tests
{
    public class LockClassTests
    {
        [Fact]
        public void DeclaredHierarchyIsTheMmOrder()
        {
            string[] expected =
            {
                "i_rwsem", "mmap_lock", "invalidate_lock", "folio_lock", "vma_lock", "i_mmap_rwsem", "anon_vma_rwsem",
                "pmd_lock", "ptl", "page_table_lock", "swap_lock", "i_pages", "lru_lock",
            };
            var ordered = typeof(LockClass).Assembly.GetCustomAttributes<LockClassDeclarationAttribute>()
                .Where(d => d.Rank != 0).OrderBy(d => d.Rank).ThenBy(d => Array.IndexOf(expected, d.Name)).Select(d => d.Name);
            Assert.Equal(expected, ordered);
            Assert.Equal(LockClass.Ptl.Rank, LockClass.PageTableLock.Rank);
            Assert.False(LockClass.RcuRead.IsOrdered);
        }

        [Fact]
        public void SleepingAndSpinningKindsFollowTheKernel()
        {
            foreach (var name in new[] { "i_rwsem", "mmap_lock", "folio_lock", "vma_lock", "anon_vma_rwsem" })
            {
                Assert.Equal(LockKind.Sleeping, LockClass.Get(name).Kind);
            }

            foreach (var name in new[] { "pmd_lock", "ptl", "page_table_lock", "lru_lock", "rcu_read" })
            {
                Assert.Equal(LockKind.Spinning, LockClass.Get(name).Kind);
            }
        }

        [Fact]
        public void MustPrecedeFollowsRanks()
        {
            Assert.True(LockClass.MmapLock.MustPrecede(LockClass.Ptl));
            Assert.False(LockClass.Ptl.MustPrecede(LockClass.MmapLock));
            Assert.False(LockClass.Ptl.MustPrecede(LockClass.PageTableLock));
            Assert.False(LockClass.RcuRead.MustPrecede(LockClass.Ptl));
        }

        [Fact]
        public void AnnotatedLockMembersCarryTheClassTheirInstancesHave()
        {
            var (mm, vma) = Mm.WithVma();
            var pmd = mm.PmdAlloc(Mm.Base);
            var instances = new object[] { mm, vma, vma.AnonVma!, pmd };
            int checkedMembers = 0;
            foreach (var owner in instances)
            {
                foreach (var property in owner.GetType().GetProperties())
                {
                    var declared = property.GetCustomAttribute<LockClassAttribute>();
                    if (declared != null && property.GetValue(owner) is KernelLock instance)
                    {
                        Assert.Equal(declared.Name, instance.Class.Name);
                        checkedMembers++;
                    }
                }
            }

            Assert.Equal(5, checkedMembers); // MmapLock, PageTableLock, VmaLock, Rwsem, LockPointer
            Assert.Equal(typeof(Folio).GetCustomAttribute<LockClassAttribute>()!.Name, Folio.Alloc().LockInstance.Class.Name);
        }

        [Fact]
        public void UnknownClassAndConflictingRedeclarationAreErrors()
        {
            var unknown = Assert.Throws<ArgumentException>(() => LockClass.Get("no_such_lock"));
            Assert.Contains("not declared", unknown.Message);
            Assert.Throws<InvalidOperationException>(() => LockClass.Declare("ptl", LockKind.Sleeping, 900));
            Assert.Same(LockClass.Ptl, LockClass.Declare("ptl", LockKind.Spinning, 900));
            var mine = LockClass.Declare("test_buffer_pool_lock", LockKind.Spinning, 850);
            Assert.True(LockClass.PmdLock.MustPrecede(mine));
            Assert.True(mine.MustPrecede(LockClass.Ptl));
        }

        [Fact]
        public void LockKindMustMatchTheLockType()
        {
            Assert.Throws<ArgumentException>(() => new TicketLock(LockClass.MmapLock));
            Assert.Throws<ArgumentException>(() => new RwSemaphore(LockClass.Ptl));
            Assert.Throws<ArgumentException>(() => new KernelMutex(LockClass.Ptl));
        }
    }
}
