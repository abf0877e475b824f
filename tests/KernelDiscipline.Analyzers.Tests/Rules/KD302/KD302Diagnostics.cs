using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD302
{
    /// <summary>KD302 (Undo what the method charged before it returns an error): code the rule flags, and where.</summary>
    public class KD302Diagnostics
    {
        [Fact]
        public Task BlocksAccountedAndNotGivenBack() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                // Seed 001: the blocks were accounted, the copy failed, the error path forgot them.
                int Fill(ShmemInode inode, bool copied)
                {
                    int ret = inode.AcctBlocks(1);
                    if (ret < 0)
                        return ret;
                    if (!copied)
                        {|KD302:return -Errno.ENOENT;|}
                    inode.UnacctBlocks(1);
                    return 0;
                }

                VmFault Fault(ShmemInode inode, bool full)
                {
                    if (inode.AcctBlocks(1) != 0)
                        return VmFault.SigBus;
                    if (full)
                        {|KD302:return VmFault.Oom;|}
                    return VmFault.None;
                }
            }
            """);

        [Fact]
        public Task PageCacheEntryNotDeletedOnTheSharedErrorLabel() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                static int Install(Folio folio) => 0;

                // Seed 001 before the review: delete_from_page_cache vanished from the path that needs it.
                int Fill(ShmemInode inode, long index)
                {
                    int ret = inode.AcctBlocks(1);
                    if (ret < 0)
                        return ret;
                    var folio = Folio.Alloc();
                    ret = inode.AddToPageCache(index, folio);
                    if (ret < 0)
                        goto out_release;
                    ret = Install(folio);
                    if (ret < 0)
                        goto out_release;
                    return 0;
                out_release:
                    folio.Put();
                    inode.UnacctBlocks(1);
                    {|KD302:return ret;|}
                }
            }
            """);

        [Fact]
        public Task AFolioReferenceDroppedOnTheFloor() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                static bool Copy(Folio folio) => true;

                int Copy(ulong src)
                {
                    var folio = Folio.Alloc();
                    if (!Copy(folio))
                        {|KD302:return -Errno.EFAULT;|}
                    folio.Put();
                    return 0;
                }

                bool Take(Folio folio, bool busy)
                {
                    folio.Get();
                    if (busy)
                        {|KD302:return false;|}
                    folio.Put();
                    return true;
                }

                void Throws(Folio folio, bool bad)
                {
                    folio.Get();
                    if (bad)
                        {|KD302:throw new System.InvalidOperationException();|}
                    folio.Put();
                }
            }
            """);

        [Fact]
        public Task AChargeThroughANullConditionalCallNotUndone() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                static bool Copy(Folio? folio) => true;

                int Take(Folio? maybe)
                {
                    maybe?{|#1:.Get()|};
                    if (!Copy(maybe))
                        {|#0:return -Errno.ENOENT;|}
                    maybe?.Put();
                    return 0;
                }
            }
            """,
            Verify.Diagnostic("KD302").WithLocation(0).WithLocation(1).WithArguments("folio reference", "maybe?.Get()", "7", "; call 'maybe?.Put()' before it"));

        [Fact]
        public Task PinsNotUnpinned() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                long Pin(MmStruct mm, ulong addr, Folio?[] pages, bool bad)
                {
                    long pinned = Gup.PinUserPages(mm, addr, pages.Length, GupFlags.None, pages);
                    if (pinned <= 0)
                        return pinned;
                    if (bad)
                        {|KD302:return -Errno.EINVAL;|}
                    return pinned;
                }
            }
            """);

        [Fact]
        public Task ALockedFolioUnlockedButNotPutOnTheErrorPath() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Install(Pmd pmd, ulong addr)
                {
                    var folio = Folio.Alloc();
                    folio.Lock();
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                    {
                        folio.Unlock(); // the lock ends, the reference does not
                        {|KD302:return -Errno.EAGAIN;|}
                    }

                    pte.Write(addr, Pte.Make(folio, 0, true));
                    pte.Unlock();
                    folio.Unlock();
                    return 0;
                }
            }
            """);

        [Fact]
        public Task ErrorExitsThroughLabels() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                // mfill_atomic_install_pte's shape: the error and the success path share out_unlock, and the error path
                // keeps the reference the success path installs.
                int InstallJoined(Pmd pmd, ulong addr, Folio folio)
                {
                    int ret;
                    folio.Get();
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                    {
                        folio.Put();
                        return -Errno.EAGAIN;
                    }

                    ret = -Errno.EEXIST;
                    if (pte.Read(addr) is not null)
                        goto out_unlock;
                    pte.Write(addr, Pte.Make(folio, 0, true));
                    ret = 0;
                out_unlock:
                    pte.Unlock();
                    {|KD302:return ret;|}
                }

                // A ladder: out_unlock falls through into done, skipping out_unacct.
                int Ladder(ShmemInode inode, Pmd pmd, ulong addr)
                {
                    int ret = inode.AcctBlocks(1);
                    if (ret != 0)
                        goto done;
                    var pte = pmd.MapLock(addr);
                    ret = -Errno.EAGAIN;
                    if (pte is null)
                        goto out_unacct;
                    ret = -Errno.EEXIST;
                    if (pte.Read(addr) is not null)
                        goto out_unlock;
                    ret = 0;
                    pte.Unlock();
                    goto done;
                out_unlock:
                    pte.Unlock();
                    goto done;
                out_unacct:
                    inode.UnacctBlocks(1);
                done:
                    {|KD302:return ret;|}
                }

                // Two errors, two values, one label: the return is an error whatever the value (the fix applies here).
                int TwoErrors(Pmd pmd, ulong addr, Folio folio, bool full)
                {
                    int ret;
                    folio.Get();
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                    {
                        folio.Put();
                        return -Errno.EAGAIN;
                    }

                    if (full)
                    {
                        ret = -Errno.ENOMEM;
                        goto out_unlock;
                    }

                    if (pte.Read(addr) is not null)
                    {
                        ret = -Errno.EEXIST;
                        goto out_unlock;
                    }

                    pte.Unlock();
                    return 0;
                out_unlock:
                    pte.Unlock();
                    {|KD302:return ret;|}
                }

                // goto out_unlock skips out_release: the allocated folio is kept.
                int SkipsRelease(Pmd pmd, ulong addr, bool copied)
                {
                    int ret = 0;
                    var folio = Folio.Alloc();
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                    {
                        ret = -Errno.EAGAIN;
                        goto out_release;
                    }

                    if (!copied)
                    {
                        ret = -Errno.EFAULT;
                        goto out_unlock;
                    }

                    pte.Write(addr, Pte.Make(folio, 0, true));
                out_unlock:
                    pte.Unlock();
                    {|KD302:return ret;|}
                out_release:
                    folio.Put();
                    return ret;
                }
            }
            """);
    }
}
